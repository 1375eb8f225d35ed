import { Router } from 'express';
import { streamOverdueSql } from '../../persistence/overdue';
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
      let unitPrefix: string | null = null;
      if (query.unitId !== undefined) {
        const unitPath = await requireUnitPath(runtime, query.unitId, 'unitId');
        unitPrefix = `${unitPath}%`;
      }
      const rows = (await runtime.database.dataSource.query(
        `WITH matched AS (
           SELECT stream_id, created_at FROM streams
            WHERE stream_type = 'escalation' AND unit_path LIKE $1 AND ($2::text IS NULL OR unit_path LIKE $2)
              AND ($3::text IS NULL OR state = $3) AND ($4::text IS NULL OR category = $4) AND ($5::text IS NULL OR campaign_id = $5)
              AND ($6::text IS NULL OR snapshot #>> '{context,itemId}' = $6) AND ($7::boolean IS NULL OR ${streamOverdueSql('streams', '$8')} = $7)),
              page AS (SELECT stream_id FROM matched ORDER BY created_at DESC, stream_id LIMIT ${query.limit} OFFSET ${query.offset})
         SELECT s.stream_id, s.state, s.version, s.campaign_id, s.unit_id, s.category AS measure, s.deadline, ${streamOverdueSql('s', '$8')} AS overdue, s.updated_at,
                s.snapshot #>> '{context,issuedAt}' AS issued_at, s.snapshot #>> '{context,itemId}' AS item_id,
                s.snapshot #>> '{context,ruleId}' AS rule_id, s.snapshot #>> '{context,reason}' AS reason,
                s.snapshot #> '{context,target}' AS target, (SELECT count(*) FROM matched) AS total
           FROM page JOIN streams s USING (stream_id) ORDER BY s.created_at DESC, s.stream_id`,
        [
          subtreeFilter(user),
          unitPrefix,
          query.state ?? null,
          query.measure ?? null,
          query.campaignId ?? null,
          query.itemId ?? null,
          query.overdue ?? null,
          runtime.clock.now().toISOString(),
        ],
      )) as Array<Record<string, unknown>>;
      return {
        items: rows.map((r) => ({
          streamId: r.stream_id,
          state: r.state,
          version: Number(r.version),
          measure: r.measure,
          target: r.target,
          reason: r.reason,
          ruleId: r.rule_id,
          itemId: r.item_id,
          campaignId: r.campaign_id,
          unitId: r.unit_id,
          respondBy: r.deadline ? new Date(r.deadline as string).toISOString() : null,
          overdue: Boolean(r.overdue),
          issuedAt: r.issued_at,
          updatedAt: new Date(r.updated_at as string).toISOString(),
        })),
        total: Number(rows[0]?.total ?? 0),
        limit: query.limit,
        offset: query.offset,
      };
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
