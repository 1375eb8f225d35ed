import { Router } from 'express';
import { databaseQuery } from '../../persistence/database';
import { listItems, subtreePatternOf } from '../../persistence/stream-lists';
import { replayEvents } from '../../engine/replay';
import { isWithin, Permission, requireRole, requireWithin, subtreeFilter } from '../authz';
import { coUnitIdsOf } from '../../persistence/item-visibility';
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
  itemCollectionRoutes(router, context);
  itemReadRoutes(router, context);
  itemCommandRoutes(router, context);
  return router;
}

/** POST /items (线索登记) and GET /items. */
function itemCollectionRoutes(router: Router, context: ApiContext): void {
  const { runtime } = context;
  endpoint(router, context, {
    method: 'post',
    path: '/items',
    summary: '线索登记: register a clue as a new problem item',
    tag: 'items',
    status: 201,
    body: RegisterItemDto,
    idempotent: true,
    handler: async ({ body, user, res }) => {
      const reportedPath = await requireUnitPath(runtime, body.reportedUnitId, 'reportedUnitId');
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
      const { rows, total } = await listItems(databaseQuery(runtime.database), {
        readablePattern: subtreeFilter(user),
        now: runtime.clock.now().toISOString(),
        state: query.state,
        category: query.category,
        campaignId: query.campaignId,
        overdue: query.overdue,
        unitPattern:
          query.unitId === undefined
            ? undefined
            : subtreePatternOf(await requireUnitPath(runtime, query.unitId, 'unitId')),
        limit: query.limit,
        offset: query.offset,
      });
      return { items: rows, total, limit: query.limit, offset: query.offset };
    },
  });
}

/** Readable by its unit's line, and (read only) by its co-operating units' (persistence/item-visibility.ts). */
async function readableItem(context: ApiContext, user: AuthUser, id: string) {
  const { runtime } = context;
  const stream = await loadStreamOf(context, 'item', id);
  requireRole(user, Permission.readAll);
  for (const unitId of coUnitIdsOf(stream.snapshot.context)) {
    const path = await runtime.directory.unitPath(unitId).catch(() => null);
    if (path !== null && isWithin(user, path)) return stream;
  }
  requireWithin(user, stream.unitPath, Permission.readAll);
  return stream;
}

/** One item and its history. */
function itemReadRoutes(router: Router, context: ApiContext): void {
  const { runtime } = context;
  endpoint(router, context, {
    method: 'get',
    path: '/items/:id',
    summary: 'One item: state, version (also as ETag), context and the events it accepts now',
    tag: 'items',
    handler: async ({ params, user, res }) => {
      const stream = await readableItem(context, user, params.id!);
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
      await readableItem(context, user, params.id!);
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
}

/** An item command: evidence cited, If-Match, units named in the body checked, authorised, run. */
async function runItemCommand(
  context: ApiContext,
  spec: ItemCommandSpec,
  input: EndpointInput<VersionedCommandDto, object>,
) {
  const { runtime } = context;
  const { params, user, req, res, body } = input;
  const { expectedVersion: bodyVersion, ...given } = body as VersionedCommandDto & Record<string, unknown>;
  const fields = await citeEvidence(context, params.id!, spec.type, given);
  const expectedVersion = expectedVersionOf(req, bodyVersion);
  const targetPaths = await Promise.all(
    (spec.unitFields ?? [])
      .filter((f) => typeof fields[f] === 'string')
      .map((f) => requireUnitPath(runtime, String(fields[f]), f)),
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
}

/** One route per item command, and the generic { type, ...payload } route. */
function itemCommandRoutes(router: Router, context: ApiContext): void {
  for (const spec of itemCommands) {
    endpoint(router, context, {
      method: 'post',
      path: `/items/:id/commands/${spec.segment}`,
      summary: `${spec.type} — ${spec.summary} (${spec.permission.name})`,
      tag: 'item commands',
      body: spec.dto,
      idempotent: true,
      headers: IF_MATCH,
      handler: (input) => runItemCommand(context, spec, input),
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
      return runItemCommand(context, spec, { ...input, body: validateInput(spec.dto, rest, 'body') });
    },
  });
}
