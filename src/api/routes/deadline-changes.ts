import { Router } from 'express';
import { changeDeadline, type DeadlineChange } from '../../runtime/deadline-change';
import { Permission, requireWithin } from '../authz';
import type { Response } from 'express';
import type { CommandResult } from '../../engine/engine';
import type { DeadlineChangeReport } from '../../runtime/deadline-change';
import { actorOf, expectedVersionOf, sendCommand } from '../commands';
import type { ApiContext } from '../context';
import { SetPhaseDeadlineDto } from '../dto/campaigns.dto';
import { ChangeDeadlineDto, DryRunQueryDto } from '../dto/deadline-changes.dto';
import { endpoint } from '../endpoint';

/** A dry run answers the diff; an applied change the command's usual answer (ETag …) with the diff beside it. */
function respond(res: Response, outcome: { report: DeadlineChangeReport; command: CommandResult | null }) {
  if (!outcome.command) return outcome.report;
  return { ...sendCommand(res, outcome.command), diff: outcome.report };
}

/**
 * Deadline changes with a diff (issue 10 point 4): a phase deadline or an item's rectification deadline,
 * with `?dryRun=true` to see first which pending timers move, which items become or stop being overdue and
 * which escalations issue. Applying recomputes the timers in the same transaction as the change.
 */
export function deadlineChangesRouter(context: ApiContext): Router {
  const router = Router();
  const { runtime } = context;

  endpoint(router, context, {
    method: 'post',
    path: '/items/:id/commands/change-deadline',
    summary:
      'CHANGE_DEADLINE — a supervisor moves the rectification deadline earlier or later, with a reason (deadline:change); ?dryRun=true shows the diff and writes nothing',
    tag: 'item commands',
    body: ChangeDeadlineDto,
    query: DryRunQueryDto,
    headers: [{ name: 'If-Match', description: 'The item version the client saw' }],
    handler: async ({ user, params, body, query, req, res }) => {
      const change: DeadlineChange = {
        kind: 'itemDeadline',
        itemId: params.id!,
        deadline: body.deadline,
        reason: body.reason,
      };
      return respond(
        res,
        await changeDeadline(runtime, change, actorOf(user), {
          dryRun: query.dryRun === true,
          expectedVersion: expectedVersionOf(req, body.expectedVersion),
          authorise: (stream) => requireWithin(user, stream.unitPath, Permission.changeDeadlines),
        }),
      );
    },
  });

  endpoint(router, context, {
    method: 'post',
    path: '/campaigns/:id/commands/set-phase-deadline',
    summary:
      'SET_PHASE_DEADLINE — set or move a phase deadline (campaign:configure); ?dryRun=true shows the diff and writes nothing',
    tag: 'campaign commands',
    body: SetPhaseDeadlineDto,
    query: DryRunQueryDto,
    headers: [{ name: 'If-Match', description: 'The campaign version the client saw' }],
    handler: async ({ user, params, body, query, req, res }) => {
      const change: DeadlineChange = {
        kind: 'phaseDeadline',
        campaignId: params.id!,
        phase: body.phase,
        deadline: body.deadline,
      };
      return respond(
        res,
        await changeDeadline(runtime, change, actorOf(user), {
          dryRun: query.dryRun === true,
          expectedVersion: expectedVersionOf(req, body.expectedVersion),
          authorise: (stream) => requireWithin(user, stream.unitPath, Permission.configureCampaign),
        }),
      );
    },
  });
  return router;
}
