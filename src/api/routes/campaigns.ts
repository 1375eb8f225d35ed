import type { ClassConstructor } from 'class-transformer';
import { databaseQuery } from '../../persistence/database';
import { listCampaigns } from '../../persistence/stream-lists';
import { Router } from 'express';
import { ancestorCampaigns, subCampaigns } from '../../engine/campaign-tree';
import { phaseRank } from '../../machines/campaign-guards';
import { campaignTemplates, seedCadenceOf } from '../../machines/campaign-templates';
import type { CampaignContext } from '../../machines/campaign-types';
import type { StreamRecord } from '../../persistence/event-store';
import { isRelated, isWithin, Permission, requireRole, requireWithin } from '../authz';
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
import * as dto from '../dto/campaigns.dto';
import type { VersionedCommandDto } from '../dto/common.dto';
import { endpoint } from '../endpoint';
import { reportingSummary } from '../../bulletins/reporting-status';
import { registerStreamCommands } from './stream-commands';
import { forbidden, HttpProblem } from '../problem';
import { requireUnitPath } from '../unit-paths';

interface CampaignCommandSpec {
  type: string;
  segment: string;
  summary: string;
  dto: ClassConstructor<VersionedCommandDto>;
  complete?: (payload: Record<string, unknown>, stream: StreamRecord) => Record<string, unknown>;
}

/** `set-reporting` without a cadence takes the seed cadence of the campaign's template (江源, 湛江). */
function withSeedCadence(payload: Record<string, unknown>, stream: StreamRecord): Record<string, unknown> {
  if (payload.cadence !== undefined) return payload;
  const template = (stream.snapshot.context as CampaignContext).template;
  const cadence = seedCadenceOf(template);
  if (!cadence)
    throw new HttpProblem(
      'validationFailed',
      `cadence: required — the template ${template ?? '(none)'} of this campaign has no seed cadence`,
      { invalidFields: [{ field: 'cadence', messages: ['required without a template seed cadence'] }] },
    );
  return { ...payload, cadence };
}

/** Campaign events people issue; PHASE_DEADLINE_PASSED is the scheduler's. */
export const campaignCommands: CampaignCommandSpec[] = [
  {
    type: 'SET_PHASE_DEADLINE',
    segment: 'set-phase-deadline',
    summary: 'Set or move a phase deadline',
    dto: dto.SetPhaseDeadlineDto,
  },
  {
    type: 'SET_CATEGORIES',
    segment: 'set-categories',
    summary: 'Replace the problem categories',
    dto: dto.SetCategoriesDto,
  },
  {
    type: 'SET_CHECKLIST',
    segment: 'set-checklist',
    summary: 'Replace the checklist (对照检查清单)',
    dto: dto.SetChecklistDto,
  },
  {
    type: 'ADD_OBLIGATION',
    segment: 'add-obligation',
    summary: 'Add a phase obligation',
    dto: dto.AddObligationDto,
  },
  {
    type: 'FULFIL_OBLIGATION',
    segment: 'fulfil-obligation',
    summary: 'Mark a phase obligation done',
    dto: dto.FulfilObligationDto,
  },
  {
    type: 'ADVANCE_PHASE',
    segment: 'advance-phase',
    summary: 'Advance to the next phase',
    dto: dto.AdvancePhaseDto,
  },
  { type: 'FINISH', segment: 'finish', summary: 'Finish the campaign', dto: dto.FinishCampaignDto },
  {
    type: 'SET_REPORTING',
    segment: 'set-reporting',
    summary:
      'Set the reporting cadence and the units that must report (templates: 江源 8/18/28 18:00, 湛江 周一周三 09:00)',
    dto: dto.SetReportingDto,
    complete: withSeedCadence,
  },
  {
    type: 'START_LOOK_BACK_ROUND',
    segment: 'start-look-back-round',
    summary: 'Start a look-back round (回头看) of a standing mechanism over its closed items',
    dto: dto.StartLookBackRoundDto,
  },
];

/** Campaigns: create (from a template), list, read, history, and the campaign machine's commands. */
export function campaignsRouter(context: ApiContext): Router {
  const router = Router();
  const { runtime } = context;

  const readable = async (user: AuthUser, id: string) => {
    const stream = await loadStreamOf(context, 'campaign', id);
    requireRole(user, Permission.readAll);
    if (!isRelated(user, stream.unitPath))
      throw forbidden(
        Permission.readAll.name,
        `campaign ${id} is run by ${stream.unitId}, outside the line of ${user.unitId}`,
      );
    return stream;
  };

  /** A parent the caller may not read is refused before the engine checks its line and phase. */
  const requireReadableParent = async (user: AuthUser, parentId: string) => {
    const parent = await runtime.store.loadStream(parentId);
    if (!parent || parent.streamType !== 'campaign')
      throw new HttpProblem('validationFailed', `parentCampaignId: no campaign ${parentId}`, {
        invalidFields: [{ field: 'parentCampaignId', messages: ['no such campaign'] }],
      });
    if (!isRelated(user, parent.unitPath))
      throw forbidden(
        Permission.readAll.name,
        `parentCampaignId: campaign ${parentId} is outside the line of ${user.unitId}; a sub-campaign reports only into a campaign its creator may read`,
      );
  };

  endpoint(router, context, {
    method: 'post',
    path: '/campaigns',
    summary:
      'Create a campaign from a template (xining-2023, jiangyuan-2023, zhanjiang-2021) and/or explicit fields',
    tag: 'campaigns',
    status: 201,
    body: dto.CreateCampaignDto,
    idempotent: true,
    handler: async ({ body, user, res }) => {
      const unitPath = await requireUnitPath(runtime, body.unitId, 'unitId');
      requireWithin(user, unitPath, Permission.configureCampaign);
      if (body.parentCampaignId !== undefined) await requireReadableParent(user, body.parentCampaignId);
      const template = body.template ? campaignTemplates[body.template] : undefined;
      const { template: _t, campaignId, deadlines, ...explicit } = body;
      const input = {
        ...(template ?? {}),
        ...Object.fromEntries(Object.entries(explicit).filter(([, v]) => v !== undefined)),
        deadlines: { ...(template?.deadlines ?? {}), ...(deadlines ?? {}) },
      };
      if (input.name === undefined || input.categories === undefined) {
        throw new HttpProblem('validationFailed', 'give a template, or name and categories', {
          invalidFields: [
            {
              field: input.name === undefined ? 'name' : 'categories',
              messages: ['required without a template'],
            },
          ],
        });
      }
      const result = await runtime.engine.create(
        'campaign',
        JSON.parse(JSON.stringify(input)) as Record<string, unknown>,
        actorOf(user),
        { streamId: campaignId },
      );
      res.setHeader('Location', `/campaigns/${result.streamId}`);
      return sendCommand(res, result, 201);
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/campaigns',
    summary: 'Campaigns run by the caller’s unit, its subtree or the units above it',
    tag: 'campaigns',
    query: dto.ListCampaignsQueryDto,
    handler: async ({ user, query }) => {
      requireRole(user, Permission.readAll);
      const { rows, total } = await listCampaigns(databaseQuery(runtime.database), {
        unitPath: user.unitPath,
        now: runtime.clock.now().toISOString(),
        state: query.state,
        limit: query.limit,
        offset: query.offset,
      });
      return { items: rows, total, limit: query.limit, offset: query.offset };
    },
  });

  /**
   * Where the campaign stands in its tree: its parent's phase and whether it lags behind it, and the
   * sub-campaigns the caller may read, each flagged when it lags behind its own parent (滞后).
   */
  const treeView = async (user: AuthUser, stream: StreamRecord) => {
    const { children, ancestors } = await runtime.store.transaction(async (tx) => ({
      children: await subCampaigns(tx, { campaignId: stream.streamId, state: stream.state }),
      ancestors: await ancestorCampaigns(tx, stream.streamId),
    }));
    const parent = ancestors[0] ?? null;
    return {
      parent: parent && { campaignId: parent.campaignId, state: parent.state },
      laggingBehindParent: parent !== null && phaseRank(stream.state) < phaseRank(parent.state),
      subCampaigns: children
        .filter((c) => isRelated(user, c.unitPath))
        .map((c) => ({
          campaignId: c.campaignId,
          name: c.name,
          parentCampaignId: c.parentCampaignId,
          unitId: c.unitId,
          unitName: c.unitName,
          state: c.state,
          unresolvedItems: c.unresolvedItems,
          openLongTermItems: c.openLongTermItems,
          lagging: c.lagging,
        })),
      laggingSubCampaigns: children.filter((c) => c.lagging && isRelated(user, c.unitPath)).length,
    };
  };

  endpoint(router, context, {
    method: 'get',
    path: '/campaigns/:id',
    summary: 'One campaign: phase, deadlines, categories, checklist, obligations',
    tag: 'campaigns',
    handler: async ({ user, params, res }) => {
      const stream = await readable(user, params.id!);
      res.setHeader('ETag', `"${stream.version}"`);
      return { ...streamView(stream, runtime.clock.now().toISOString()), tree: await treeView(user, stream) };
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/campaigns/:id/history',
    summary: 'The campaign’s events in order',
    tag: 'campaigns',
    handler: async ({ user, params }) => {
      await readable(user, params.id!);
      return { streamId: params.id, events: (await runtime.store.readStream(params.id!)).map(eventView) };
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/campaigns/:id/reporting',
    summary:
      '报送情况: the reporting cadence, due instants fired so far, the next one, and each unit’s missed reports (漏报)',
    tag: 'campaigns',
    handler: async ({ user, params }) => {
      const stream = await readable(user, params.id!);
      const campaign = stream.snapshot.context as CampaignContext;
      // Units outside the reader's subtree are left out, as in the bulletin's 报送情况.
      const names = new Map<string, string>();
      for (const unitId of campaign.reporting?.unitIds ?? []) {
        const unit = await runtime.directory.findUnit(unitId);
        if (unit && isWithin(user, unit.path)) names.set(unitId, unit.name);
      }
      const summary = reportingSummary(stream.streamId, campaign, (id) => names.get(id) ?? '');
      if (!summary) return { campaignId: stream.streamId, reporting: null };
      return { ...summary, units: summary.units.filter((u) => names.has(u.unitId)) };
    },
  });

  registerStreamCommands(router, context, {
    streamType: 'campaign',
    resource: 'campaigns',
    tag: 'campaign commands',
    // SET_PHASE_DEADLINE has its own route with a dry run and recomputed timers (deadline-changes.ts).
    specs: campaignCommands
      .filter((spec) => spec.type !== 'SET_PHASE_DEADLINE')
      .map((spec) => ({ ...spec, permission: Permission.configureCampaign })),
  });

  // A report is submitted by the reporting unit (or a unit above it), not only by the campaign's unit.
  endpoint(router, context, {
    method: 'post',
    path: '/campaigns/:id/commands/submit-report',
    summary: 'SUBMIT_REPORT — a unit submits its report for one due instant (item:act within that unit)',
    tag: 'campaigns',
    body: dto.SubmitReportDto,
    idempotent: true,
    handler: async ({ user, params, body, req, res }) => {
      const unitPath = await runtime.directory.unitPath(body.unitId).catch(() => {
        throw new HttpProblem('validationFailed', `unitId: unit ${body.unitId} does not exist`, {
          invalidFields: [{ field: 'unitId', messages: ['no such unit'] }],
        });
      });
      requireWithin(user, unitPath, Permission.actOnItem);
      const result = await authorisedCommand(
        context,
        'campaign',
        params.id!,
        expectedVersionOf(req, body.expectedVersion),
        () => undefined,
        (tx, _stream, version) =>
          runtime.engine.executeIn(
            tx,
            params.id!,
            { type: 'SUBMIT_REPORT', unitId: body.unitId, dueAt: body.dueAt },
            actorOf(user),
            { expectedVersion: version },
          ),
      );
      return sendCommand(res, result);
    },
  });
  return router;
}
