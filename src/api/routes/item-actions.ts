import { Router } from 'express';
import { definitionFor } from '../../machines/registry';
import { acceptedEvents, step } from '../../machines/step';
import { Permission, requireWithin } from '../authz';
import { loadStreamHead, loadStreamOf } from '../commands';
import { eventLabel } from '../console/labels';
import type { ApiContext } from '../context';
import { endpoint } from '../endpoint';
import { requestSchemaOf } from '../openapi';
import { HttpProblem } from '../problem';
import { authoriseItemCommand, itemCommands } from './item-commands';

/**
 * `GET /items/:id/actions`: the commands the item's current state accepts that the caller may issue, each
 * with its route and request schema, so that a client offers exactly what the API would allow.
 */
export function itemActionsRouter(context: ApiContext): Router {
  const router = Router();
  endpoint(router, context, {
    method: 'get',
    path: '/items/:id/actions',
    summary:
      'Commands the item accepts now and the caller may issue (role and subtree), with request schemas; a guard that refuses regardless of the body is given as reason',
    tag: 'items',
    handler: async ({ params, user }) => {
      const stream = await loadStreamOf(context, 'item', params.id!);
      requireWithin(user, stream.unitPath, Permission.readAll);
      const head = await loadStreamHead(context, 'item', params.id!);
      const definition = definitionFor(stream.streamType, stream.machineVersion);
      const accepted = new Set(acceptedEvents(definition, stream.snapshot));
      const at = context.runtime.clock.now().toISOString();
      const actions = [];
      for (const spec of itemCommands) {
        if (!accepted.has(spec.type)) continue;
        if (spec.offeredWhen && !spec.offeredWhen(stream.snapshot.context as Record<string, unknown>))
          continue;
        try {
          authoriseItemCommand(spec, user, head);
        } catch (error) {
          if (error instanceof HttpProblem && error.kind === 'forbidden') continue;
          throw error;
        }
        const schema = requestSchemaOf(spec.dto);
        // A command whose body needs nothing is tried on the machine as is: if its guard refuses it, the
        // refusal does not depend on anything the user could type, so it is known in advance.
        const needsInput = ((schema.required as string[] | undefined) ?? []).length > 0;
        const dryRun = needsInput
          ? null
          : step(definition, stream.snapshot, { ...(spec.fromUser?.(user) ?? {}), type: spec.type, at });
        const label = eventLabel('item', spec.type);
        actions.push({
          event: spec.type,
          command: spec.segment,
          label: label.zh,
          labelEn: label.en,
          method: 'POST',
          path: `/items/${encodeURIComponent(stream.streamId)}/commands/${spec.segment}`,
          schema,
          enabled: dryRun === null || dryRun.ok,
          ...(dryRun && !dryRun.ok ? { reason: dryRun.rejection.message } : {}),
        });
      }
      return actions;
    },
  });
  return router;
}
