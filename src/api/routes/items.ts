import { Router } from 'express';
import { streamOverdueSql } from '../../persistence/overdue';
import { replayEvents } from '../../engine/replay';
import { isWithin, Permission, requireRole, requireWithin, subtreeFilter } from '../authz';
import { coUnitIdsOf, itemReadableSql } from '../../persistence/item-visibility';
import {
  actorOf,
  authorisedCommand,
  eventView,
  expectedVersionOf,
  loadStreamOf,
  sendCommand,
  streamView,
} from '../commands';
import type { ApiContext, AuthUser } from '../context';
import type { VersionedCommandDto } from '../dto/common.dto';
import { HistoryQueryDto, ListItemsQueryDto, RegisterItemDto } from '../dto/items.dto';
import { correctionLinks } from '../../machines/correction-links';
import { endpoint, type EndpointInput } from '../endpoint';
import { forbidden, HttpProblem } from '../problem';
import { validateInput } from '../validation';
import { citeEvidence } from './item-evidence';
import { authoriseItemCommand, itemCommandByType, itemCommands, type ItemCommandSpec } from './item-commands';
import { requireUnitPath } from '../unit-paths';

const IF_MATCH = [
  { name: 'If-Match', description: 'The stream version the client saw ("3"); 409 if it moved on' },
];

/** Problem items: register, list and filter, read, history, and every command of the item machine. */
export function itemsRouter(context: ApiContext): Router {
  const router = Router();
  const { runtime } = context;

  /** The unit's path, or 400 when the body names a unit that does not exist. */
  const unitPathOf = async (unitId: string, field: string): Promise<string> => {
    return requireUnitPath(runtime, unitId, field);
  };

  endpoint(router, context, {
    method: 'post',
    path: '/items',
    summary: '线索登记: register a clue as a new problem item',
    tag: 'items',
    status: 201,
    body: RegisterItemDto,
    idempotent: true,
    handler: async ({ body, user, res }) => {
      const reportedPath = await unitPathOf(body.reportedUnitId, 'reportedUnitId');
      requireWithin(user, reportedPath, Permission.registerItem);
      const campaign = await runtime.store.loadStream(body.campaignId);
      if (!campaign || campaign.streamType !== 'campaign') {
        throw new HttpProblem('validationFailed', `campaignId: campaign ${body.campaignId} does not exist`, {
          invalidFields: [{ field: 'campaignId', messages: ['no such campaign'] }],
        });
      }
      if (!reportedPath.startsWith(campaign.unitPath)) {
        throw forbidden(
          Permission.registerItem.name,
          `campaign ${body.campaignId} covers the subtree of ${campaign.unitId}; ${body.reportedUnitId} is outside it`,
        );
      }
      const result = await runtime.engine.create('item', { ...body }, actorOf(user));
      res.setHeader('Location', `/items/${result.streamId}`);
      return sendCommand(res, result, 201);
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/items',
    summary: 'List problem items in the caller’s subtree, filtered and paginated',
    tag: 'items',
    query: ListItemsQueryDto,
    handler: async ({ query, user }) => {
      requireRole(user, Permission.readAll);
      const where = [`stream_type = 'item'`, itemReadableSql('streams', '$1')];
      // $2: the instant overdue is derived at (persistence/overdue.ts), not the scheduler's flag
      const parameters: unknown[] = [subtreeFilter(user), runtime.clock.now().toISOString()];
      const add = (clause: string, value: unknown) => {
        parameters.push(value);
        where.push(clause.replace('?', `$${parameters.length}`));
      };
      if (query.state !== undefined) add('state = ?', query.state);
      if (query.category !== undefined) add('category = ?', query.category);
      if (query.campaignId !== undefined) add('campaign_id = ?', query.campaignId);
      if (query.overdue !== undefined) add(`${streamOverdueSql('streams', '$2')} = ?`, query.overdue);
      if (query.unitId !== undefined)
        add(
          'unit_path LIKE ?',
          `${(await unitPathOf(query.unitId, 'unitId')).replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
        );
      const filter = where.join(' AND ');
      const rows = (await runtime.database.dataSource.query(
        // The page is chosen on the projection columns alone; only its rows' snapshots are read.
        `WITH matched AS (SELECT stream_id, updated_at FROM streams WHERE ${filter}),
              page AS (SELECT stream_id FROM matched ORDER BY updated_at DESC, stream_id LIMIT ${query.limit} OFFSET ${query.offset})
         SELECT s.stream_id, s.state, s.version, s.campaign_id, s.unit_id, s.category, s.deadline, ${streamOverdueSql('s', '$2')} AS overdue, s.created_at, s.updated_at,
                s.snapshot #>> '{context,clue,description}' AS description, (SELECT count(*) FROM matched) AS total
           FROM page JOIN streams s USING (stream_id) ORDER BY s.updated_at DESC, s.stream_id`,
        parameters,
      )) as Array<Record<string, unknown>>;
      let total = Number(rows[0]?.total ?? 0);
      if (rows.length === 0 && query.offset > 0) {
        const counted = (await runtime.database.dataSource.query(
          // $2 (the instant) is typed even when no overdue filter reads it
          `SELECT count(*) AS n FROM streams WHERE ${filter} AND $2::timestamptz IS NOT NULL`,
          parameters,
        )) as Array<{ n: string }>;
        total = Number(counted[0]?.n ?? 0);
      }
      return {
        items: rows.map((r) => ({
          streamId: r.stream_id,
          state: r.state,
          version: Number(r.version),
          campaignId: r.campaign_id,
          unitId: r.unit_id,
          category: r.category,
          deadline: r.deadline ? new Date(r.deadline as string).toISOString() : null,
          overdue: Boolean(r.overdue),
          description: r.description,
          createdAt: new Date(r.created_at as string).toISOString(),
          updatedAt: new Date(r.updated_at as string).toISOString(),
        })),
        total,
        limit: query.limit,
        offset: query.offset,
      };
    },
  });

  /** Readable by its unit's line, and (read only) by its co-operating units' (persistence/item-visibility.ts). */
  const readable = async (user: AuthUser, id: string) => {
    const stream = await loadStreamOf(context, 'item', id);
    requireRole(user, Permission.readAll);
    for (const unitId of coUnitIdsOf(stream.snapshot.context)) {
      const path = await runtime.directory.unitPath(unitId).catch(() => null);
      if (path !== null && isWithin(user, path)) return stream;
    }
    requireWithin(user, stream.unitPath, Permission.readAll);
    return stream;
  };

  endpoint(router, context, {
    method: 'get',
    path: '/items/:id',
    summary: 'One item: state, version (also as ETag), context and the events it accepts now',
    tag: 'items',
    handler: async ({ params, user, res }) => {
      const stream = await readable(user, params.id!);
      res.setHeader('ETag', `"${stream.version}"`);
      return streamView(stream, runtime.clock.now().toISOString());
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/items/:id/history',
    summary: 'The item’s events in order (hash-chained), and the state they replay to',
    tag: 'items',
    query: HistoryQueryDto,
    handler: async ({ params, user, query }) => {
      await readable(user, params.id!);
      const events = await runtime.store.readStream(params.id!, { toSequence: query.toSequence });
      const replayed = replayEvents('item', events);
      const links = correctionLinks(events);
      return {
        streamId: params.id,
        events: events.map((e) => ({
          ...eventView(e),
          ...(links.has(e.sequence) ? { correction: links.get(e.sequence)! } : {}),
        })),
        replayedState: replayed?.value ?? null,
        replayedContext: replayed?.context ?? null,
      };
    },
  });

  const runItemCommand = async (spec: ItemCommandSpec, input: EndpointInput<VersionedCommandDto, object>) => {
    const { params, user, req, res, body } = input;
    const { expectedVersion: bodyVersion, ...given } = body as VersionedCommandDto & Record<string, unknown>;
    const fields = await citeEvidence(context, params.id!, spec.type, given);
    const expectedVersion = expectedVersionOf(req, bodyVersion);
    const targetPaths = await Promise.all(
      (spec.unitFields ?? [])
        .filter((f) => typeof fields[f] === 'string')
        .map((f) => unitPathOf(String(fields[f]), f)),
    );
    const result = await authorisedCommand(
      context,
      'item',
      params.id!,
      expectedVersion,
      (stream) => authoriseItemCommand(spec, user, stream, targetPaths),
      (tx, _stream, version) =>
        runtime.engine.executeIn(
          tx,
          params.id!,
          { ...fields, ...(spec.fromUser?.(user) ?? {}), type: spec.type },
          actorOf(user),
          { expectedVersion: version },
        ),
    );
    return sendCommand(res, result);
  };

  for (const spec of itemCommands) {
    endpoint(router, context, {
      method: 'post',
      path: `/items/:id/commands/${spec.segment}`,
      summary: `${spec.type} — ${spec.summary} (${spec.permission.name})`,
      tag: 'item commands',
      body: spec.dto,
      idempotent: true,
      headers: IF_MATCH,
      handler: (input) => runItemCommand(spec, input),
    });
  }

  endpoint(router, context, {
    method: 'post',
    path: '/items/:id/commands',
    summary: 'Any item command as { type, ...payload } (same rules as the per-command routes)',
    tag: 'item commands',
    idempotent: true,
    headers: IF_MATCH,
    handler: async (input) => {
      const raw = (input.req.body ?? {}) as Record<string, unknown>;
      const spec = typeof raw.type === 'string' ? itemCommandByType.get(raw.type) : undefined;
      if (!spec) {
        const messages = [`type must be one of ${itemCommands.map((c) => c.type).join(', ')}`];
        throw new HttpProblem('validationFailed', `invalid body: ${messages[0]}`, {
          invalidFields: [{ field: 'type', messages }],
        });
      }
      const { type: _type, ...rest } = raw;
      return runItemCommand(spec, { ...input, body: validateInput(spec.dto, rest, 'body') });
    },
  });

  return router;
}
