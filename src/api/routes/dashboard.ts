import { Router } from 'express';
import { databaseQuery } from '../../persistence/database';
import type { CampaignContext } from '../../machines/campaign-types';
import { PHASE_ORDER } from '../../machines/campaign-types';
import {
  countCampaignItems,
  countEscalationsByMeasure,
  countItemTrendByDay,
} from '../../persistence/dashboard';
import { codesOf, labelOf } from '../../vocabulary/labels';
import { isRelated, Permission, requireRole, subtreeFilter } from '../authz';
import { loadStreamOf } from '../commands';
import { measureLabel, phaseLabel, stateLabel } from '../console/labels';
import type { ApiContext } from '../context';
import { endpoint } from '../endpoint';
import { forbidden } from '../problem';

/** The campaign's phase bar: each phase with its deadline, whether it was reached, which one is current. */
function campaignHeader(campaignId: string, state: string, c: CampaignContext) {
  const reached = new Set(c.phaseHistory.map((p) => p.phase as string));
  return {
    id: campaignId,
    title: c.name,
    phase: state,
    phaseLabel: phaseLabel(state).zh,
    phases: PHASE_ORDER.map((phase) => ({
      phase,
      label: phaseLabel(phase).zh,
      deadline: c.deadlines[phase] ?? null,
      reached: reached.has(phase),
      current: phase === state,
      overdue: c.overduePhases.includes(phase),
    })),
    openObligations: c.obligations
      .filter((o) => o.doneAt === null)
      .map((o) => ({ code: o.code, label: o.label, phase: o.phase, phaseLabel: phaseLabel(o.phase).zh })),
  };
}

/** `GET /campaigns/:id/dashboard`: a supervisor's overview of one campaign, limited to the reader's subtree. */
export function dashboardRouter(context: ApiContext): Router {
  const router = Router();
  const query = databaseQuery(context.runtime.database);

  endpoint(router, context, {
    method: 'get',
    path: '/campaigns/:id/dashboard',
    summary:
      'Campaign dashboard: phase bar and open obligations; items by state, category and unit (open, overdue); escalations by measure; registrations and closings per day — counted within the caller’s subtree',
    tag: 'campaigns',
    handler: async ({ user, params }) => {
      requireRole(user, Permission.readAll);
      const campaign = await loadStreamOf(context, 'campaign', params.id!);
      if (!isRelated(user, campaign.unitPath))
        throw forbidden(
          Permission.readAll.name,
          `campaign ${params.id} is run by ${campaign.unitId}, outside the line of ${user.unitId}`,
        );
      const c = campaign.snapshot.context as CampaignContext;
      const scope = {
        campaignId: campaign.streamId,
        subtreePattern: subtreeFilter(user),
        at: context.runtime.clock.now().toISOString(),
      };
      const [{ byState, byCategory, byUnit }, byMeasure, trend] = await Promise.all([
        countCampaignItems(query, scope),
        countEscalationsByMeasure(query, scope),
        countItemTrendByDay(query, scope),
      ]);
      const categoryLabel = (code: string) =>
        c.categories.find((k) => k.code === code)?.label ?? labelOf('category', code);
      return {
        campaign: campaignHeader(campaign.streamId, campaign.state, c),
        // Every state, in the item's life order, so that charts keep their shape when a count is zero.
        byState: codesOf('itemState').map((state) => ({
          state,
          label: stateLabel('item', state).zh,
          count: byState.find((s) => s.state === state)?.count ?? 0,
        })),
        byCategory: byCategory.map((k) => ({ ...k, label: categoryLabel(k.category) })),
        byUnit,
        escalationsByMeasure: byMeasure.map((m) => ({ ...m, label: measureLabel(m.measure).zh })),
        trend,
      };
    },
  });
  return router;
}
