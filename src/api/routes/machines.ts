import { Router } from 'express';
import { databaseQuery } from '../../persistence/database';
import { IsBoolean, IsIn, IsInt, IsOptional, Min } from 'class-validator';
import { migrateStreams } from '../../engine/migration';
import { describeMachine } from '../../machines/describe';
import { allDefinitions, currentDefinition, isStreamType, type StreamType } from '../../machines/registry';
import { countStreamsByMachineState } from '../../persistence/machine-usage';
import { Permission, requireRole, subtreeFilter } from '../authz';
import { forbidden } from '../problem';
import { eventLabel, stateLabel } from '../console/labels';
import type { ApiContext } from '../context';
import { endpoint } from '../endpoint';
import { notFound } from '../problem';

/** `POST /machines/migrate`: move live streams of a type to an installed version (or only report the plan). */
export class MigrateMachinesDto {
  @IsIn(['item', 'campaign', 'escalation']) streamType!: string;
  @IsInt() @Min(1) to!: number;
  @IsOptional() @IsBoolean() dryRun?: boolean;
}

/** The statecharts the engine runs, generated from the XState definitions themselves (for diagrams). */
export function machinesRouter(context: ApiContext): Router {
  const router = Router();
  const query = databaseQuery(context.runtime.database);

  endpoint(router, context, {
    method: 'get',
    path: '/machines',
    summary:
      'Every installed machine version, whether new streams start on it, and its live streams in the caller’s subtree',
    tag: 'machines',
    handler: async ({ user }) => {
      requireRole(user, Permission.readAll);
      const counts = await countStreamsByMachineState(query, subtreeFilter(user));
      return allDefinitions().map((definition) => {
        const finals = new Set(
          describeMachine(definition)
            .states.filter((s) => s.final)
            .map((s) => s.id),
        );
        const liveStreams = counts
          .filter(
            (c) =>
              c.streamType === definition.streamType &&
              c.machineVersion === definition.version &&
              !finals.has(c.state),
          )
          .reduce((sum, c) => sum + c.count, 0);
        return {
          type: definition.streamType,
          version: definition.version,
          current: currentDefinition(definition.streamType).version === definition.version,
          liveStreams,
        };
      });
    },
  });

  endpoint<MigrateMachinesDto>(router, context, {
    method: 'post',
    path: '/machines/migrate',
    summary:
      'Counts per state of the live streams below a version and which cannot be mapped (dryRun), then MIGRATED events under the declared mapping — supervisors of a root unit',
    tag: 'machines',
    body: MigrateMachinesDto,
    handler: async ({ user, body }) => {
      requireRole(user, Permission.migrateMachines);
      // A migration moves every stream of the type, not one subtree: only the top of the unit tree may.
      if (user.unitPath.split('/').filter(Boolean).length !== 1)
        throw forbidden(
          Permission.migrateMachines.name,
          `machines:migrate moves every stream: it needs a supervisor of a root unit; ${user.username} is at ${user.unitPath}`,
        );
      return migrateStreams(
        context.runtime.store,
        context.runtime.clock,
        { userId: user.id, unitId: user.unitId },
        { streamType: body.streamType, toVersion: body.to, dryRun: body.dryRun ?? false },
      );
    },
  });

  endpoint(router, context, {
    method: 'get',
    path: '/machines/:type/:version',
    summary: 'One machine version: states (labelled), transitions with their targets, guarded ones flagged',
    tag: 'machines',
    handler: async ({ user, params }) => {
      requireRole(user, Permission.readAll);
      const type = params.type!;
      const definition = allDefinitions().find(
        (d) => d.streamType === type && String(d.version) === params.version,
      );
      if (!isStreamType(type) || !definition) throw notFound('machine', `${type}/${params.version}`);
      return describeForConsole(type, definition);
    },
  });
  return router;
}

function describeForConsole(type: StreamType, definition: Parameters<typeof describeMachine>[0]) {
  const description = describeMachine(definition);
  return {
    type,
    version: description.version,
    initial: description.initial,
    creationEvent: description.creationEvent,
    creationEventLabel: eventLabel(type, description.creationEvent).zh,
    states: description.states.map((state) => {
      const label = stateLabel(type, state.id);
      return {
        id: state.id,
        label: label.zh,
        labelEn: label.en,
        final: state.final,
        transitions: state.transitions.map((t) => {
          const event = eventLabel(type, t.event);
          return { ...t, eventLabel: event.zh, eventLabelEn: event.en };
        }),
      };
    }),
  };
}
