import { Router } from 'express';
import { databaseQuery } from '../../persistence/database';
import { listEscalations, subtreePatternOf } from '../../persistence/stream-lists';
import { Permission, requireRole, requireWithin, subtreeFilter } from '../authz';
import { eventView, loadStreamOf, streamView } from '../commands';
import type { ApiContext } from '../context';
import * as dto from '../dto/escalations.dto';
import { endpoint } from '../endpoint';
import { registerStreamCommands, type StreamCommandSpec } from './stream-commands';
import { requireUnitPath } from '../unit-paths';

/** Escalation events people issue; ISSUE, STEP_UP and RESPONSE_OVERDUE belong to the rules and the scheduler. */
const escalationCommands: StreamCommandSpec[] = [
  {
    type: 'ACKNOWLEDGE',
    segment: 'acknowledge',
    summary: 'The unit acknowledges the measure',
    dto: dto.AcknowledgeDto,
    permission: Permission.respondToEscalation,
  },
  {
    type: 'RESPOND',
    segment: 'respond',
    summary: 'The unit answers (e.g. the written reply to a 函询)',
    dto: dto.RespondDto,
    permission: Permission.respondToEscalation,
  },
  {
    type: 'RECORD_FOLLOW_UP',
    segment: 'record-follow-up',
    summary: '督办台账: record a follow-up',
    dto: dto.RecordFollowUpDto,
    permission: Permission.respondToEscalation,
  },
  {
    type: 'RECORD_OUTCOME',
    segment: 'record-outcome',
    summary: '纪法衔接: record the outcome of a referral',
    dto: dto.RecordOutcomeDto,
    permission: Permission.liftEscalation,
  },
  {
    type: 'KEEP_AFTER_REVIEW',
    segment: 'keep-after-review',
    summary: 'Keep a measure a later suppression (容错免责) flagged for review (lifting is the other answer)',
    dto: dto.KeepAfterReviewDto,
    permission: Permission.liftEscalation,
  },
  {
    type: 'LIFT',
    segment: 'lift',
    summary: 'Lift (解除) the measure',
    dto: dto.LiftDto,
    permission: Permission.liftEscalation,
  },
];

/** Escalations issued by the rules: list, read with history, and the people's commands on them. */
export function escalationsRouter(context: ApiContext): Router {
  const router = Router();
  const { runtime } = context;

  endpoint(router, context, {
    method: 'get',
    path: '/escalations',
    summary: 'Escalations concerning the caller’s subtree, filtered and paginated',
    tag: 'escalations',
    query: dto.ListEscalationsQueryDto,
    handler: async ({ user, query }) => {
      requireRole(user, Permission.readAll);
      const { rows, total } = await listEscalations(databaseQuery(runtime.database), {
        subtreePattern: subtreeFilter(user),
        now: runtime.clock.now().toISOString(),
        unitPattern:
          query.unitId === undefined
            ? undefined
            : subtreePatternOf(await requireUnitPath(runtime, query.unitId, 'unitId')),
        state: query.state,
        measure: query.measure,
        campaignId: query.campaignId,
        itemId: query.itemId,
        overdue: query.overdue,
        limit: query.limit,
        offset: query.offset,
      });
      return { items: rows, total, limit: query.limit, offset: query.offset };
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/escalations/:id',
    summary:
      'One escalation: measure, target, the rule (and version) that fired, on which facts, and its events',
    tag: 'escalations',
    handler: async ({ user, params, res }) => {
      const stream = await loadStreamOf(context, 'escalation', params.id!);
      requireWithin(user, stream.unitPath, Permission.readAll);
      res.setHeader('ETag', `"${stream.version}"`);
      return {
        ...streamView(stream, runtime.clock.now().toISOString()),
        events: (await runtime.store.readStream(stream.streamId)).map(eventView),
      };
    },
  });

  registerStreamCommands(router, context, {
    streamType: 'escalation',
    resource: 'escalations',
    tag: 'escalations',
    specs: escalationCommands,
  });
  return router;
}
