import type { ClassConstructor } from 'class-transformer';
import type { Router } from 'express';
import { requireWithin, type Permission } from '../authz';
import { actorOf, authorisedCommand, expectedVersionOf, sendCommand } from '../commands';
import type { ApiContext } from '../context';
import type { VersionedCommandDto } from '../dto/common.dto';
import type { StreamRecord } from '../../persistence/event-store';
import { endpoint } from '../endpoint';

/** One machine event people may issue on a stream, as a POST route. */
export interface StreamCommandSpec {
  type: string;
  segment: string;
  summary: string;
  dto: ClassConstructor<VersionedCommandDto>;
  permission: Permission;
  /** Fills what the body may leave out from the stream (e.g. the template's seed cadence); may throw a 400. */
  complete?: (payload: Record<string, unknown>, stream: StreamRecord) => Record<string, unknown>;
}

/**
 * Registers `POST /<resource>/:id/commands/<segment>` for each spec: validate the body, read the stream
 * head, authorise by the permission within the stream's unit subtree, and apply the event — all in one
 * transaction, with `If-Match`/`expectedVersion` and `Idempotency-Key` honoured.
 */
export function registerStreamCommands(
  router: Router,
  context: ApiContext,
  options: {
    streamType: 'campaign' | 'escalation';
    resource: string;
    tag: string;
    specs: readonly StreamCommandSpec[];
  },
): void {
  const { runtime } = context;
  for (const spec of options.specs) {
    endpoint(router, context, {
      method: 'post',
      path: `/${options.resource}/:id/commands/${spec.segment}`,
      summary: `${spec.type} — ${spec.summary} (${spec.permission.name})`,
      tag: options.tag,
      body: spec.dto,
      idempotent: true,
      headers: [{ name: 'If-Match', description: `The ${options.streamType} version the client saw` }],
      handler: async ({ user, params, body, req, res }) => {
        const { expectedVersion: bodyVersion, ...fields } = body as VersionedCommandDto &
          Record<string, unknown>;
        // DTO instances (nested classes) become plain JSON before they are stored in the event.
        const payload = JSON.parse(JSON.stringify(fields)) as Record<string, unknown>;
        const result = await authorisedCommand(
          context,
          options.streamType,
          params.id!,
          expectedVersionOf(req, bodyVersion),
          (stream) => requireWithin(user, stream.unitPath, spec.permission),
          async (tx, _head, version) => {
            const stored = spec.complete ? await tx.loadStream(params.id!) : null;
            const completed = spec.complete && stored ? spec.complete(payload, stored) : payload;
            return runtime.engine.executeIn(
              tx,
              params.id!,
              { ...completed, type: spec.type },
              actorOf(user),
              { expectedVersion: version },
            );
          },
        );
        return sendCommand(res, result);
      },
    });
  }
}
