import { Router } from 'express';
import { databaseQuery } from '../../persistence/database';
import { queryWorklist } from '../../persistence/worklist';
import { Permission, requireRole, subtreeFilter } from '../authz';
import { stateLabel } from '../console/labels';
import { DUE_SOON_MS, PRINCIPAL_STATE, WORKLIST_STATES } from '../console/worklist-states';
import type { ApiContext } from '../context';
import { WorklistQueryDto } from '../dto/console.dto';
import { endpoint } from '../endpoint';
import { requireUnitPath } from '../unit-paths';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** `GET /worklist` (我的待办): the items in the caller's subtree that wait for someone of their role. */
export function worklistRouter(context: ApiContext): Router {
  const router = Router();
  const { runtime } = context;
  const query = databaseQuery(runtime.database);

  endpoint(router, context, {
    method: 'get',
    path: '/worklist',
    summary:
      '我的待办: items in the caller’s subtree waiting for the caller’s role, by deadline (none last); overdue and dueSoon (≤ 3 days) as of now',
    tag: 'items',
    query: WorklistQueryDto,
    handler: async ({ user, query: q }) => {
      requireRole(user, Permission.readAll);
      let unitPattern: string | undefined;
      if (q.unitId !== undefined) {
        const unitPath = await requireUnitPath(runtime, q.unitId, 'unitId');
        unitPattern = `${escapeLike(unitPath)}%`;
      }
      const now = runtime.clock.now();
      const { rows, total } = await queryWorklist(query, {
        subtreePattern: subtreeFilter(user),
        states: WORKLIST_STATES[user.role],
        principal: user.isPrincipal ? { state: PRINCIPAL_STATE, unitId: user.unitId } : undefined,
        campaignId: q.campaignId,
        state: q.state,
        unitPattern,
        search: q.q,
        now: now.toISOString(),
        soon: new Date(now.getTime() + DUE_SOON_MS).toISOString(),
        limit: q.limit,
        offset: q.offset,
      });
      return {
        items: rows.map((row) => ({ ...row, stateLabel: stateLabel('item', row.state).zh })),
        total,
        limit: q.limit,
        offset: q.offset,
      };
    },
  });
  return router;
}
