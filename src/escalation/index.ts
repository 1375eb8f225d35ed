/**
 * Escalations (issue 3, integration): rule-set publication, evaluation after every item event and on the
 * clock, escalation records as streams, and the durable scheduler.
 */
export { RuleSetRegistry, RuleSetRejectedError, checkRuleSource, type PublishedRuleSet } from './rule-sets';
export { EscalationIssuer, RULES_ACTOR_ID, type IssuedEscalationSummary } from './issuer';
export { Scheduler, SCHEDULER_ACTOR_ID, type FiredJob } from './scheduler';
export { rulesHook, deadlineHook, scheduleJobs } from './hooks';
export { deadlineJobsFor } from './deadline-jobs';
export { ruleFactsFor } from './item-facts';
export { startSchedulerLoop, type SchedulerLoop } from './scheduler-loop';
