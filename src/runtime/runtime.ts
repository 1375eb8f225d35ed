import { lookBackRoundHook } from '../engine/look-back-rounds';
import type { Database } from '../persistence/database';
import { Directory } from '../persistence/directory';
import { EventStore } from '../persistence/event-store';
import { randomIds, systemClock, type Clock, type IdGenerator } from '../shared/clock';
import { appendNotifyHook } from '../engine/append-notify';
import { Engine, type AppendHook } from '../engine/engine';
import type { GroupCommitOptions } from '../engine/group-commit';
import { correctionsHook } from '../engine/corrections-hook';
import { deadlineHook, EscalationIssuer, RuleSetRegistry, rulesHook, Scheduler } from '../escalation';
import { NotificationOutbox } from '../notifications/outbox';

/**
 * The composition root: the engine and what it stands on, wired for one database. It sits above the engine,
 * the escalation rules and the notifications outbox (it installs their hooks), so none of them needs to
 * import another's wiring; the API, the CLI, the ledgers and the tests start from here.
 */
export interface Runtime {
  database: Database;
  store: EventStore;
  directory: Directory;
  engine: Engine;
  clock: Clock;
  ids: IdGenerator;
  ruleSets: RuleSetRegistry;
  issuer: EscalationIssuer;
  /** A scheduler for this process; several processes may each run one against the same database. */
  scheduler: Scheduler;
  /** The notifications outbox (its hook writes notifications and messages in every event's transaction). */
  notifications: NotificationOutbox;
}

export function createRuntime(
  database: Database,
  options: {
    clock?: Clock;
    ids?: IdGenerator;
    hooks?: AppendHook[];
    schedulerName?: string;
    groupCommit?: GroupCommitOptions;
  } = {},
): Runtime {
  const store = new EventStore(database);
  const directory = new Directory(database.dataSource);
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? randomIds;
  // The embedded database has one connection: one transaction at a time, so one lane.
  const groupCommit = options.groupCommit ?? { lanes: database.kind === 'pglite' ? 1 : 2 };
  const engine = new Engine({ store, directory, clock, ids, hooks: options.hooks, groupCommit });
  const ruleSets = new RuleSetRegistry(database);
  const issuer = new EscalationIssuer(engine, ruleSets);
  // Before the rules: escalations an approved correction voids are closed before the rules re-evaluate.
  engine.addHook(correctionsHook(engine));
  engine.addHook(rulesHook(issuer));
  engine.addHook(deadlineHook());
  engine.addHook(lookBackRoundHook(engine));
  engine.addHook(appendNotifyHook(database));
  const notifications = new NotificationOutbox();
  engine.addHook(notifications.hook());
  const scheduler = new Scheduler({
    store,
    engine,
    issuer,
    clock,
    name: options.schedulerName ?? `scheduler-${process.pid}`,
  });
  return { database, store, directory, engine, clock, ids, ruleSets, issuer, scheduler, notifications };
}
