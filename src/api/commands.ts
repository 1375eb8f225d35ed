import type { Request, Response } from 'express';
import type { Actor, CommandResult } from '../engine/engine';
import { definitionFor } from '../machines/registry';
import { acceptedEvents } from '../machines/step';
import type { StoredEvent, StreamRecord } from '../persistence/event-store';
import { VersionConflictError } from '../shared/errors';
import type { ApiContext, AuthUser } from './context';
import { HttpProblem, notFound } from './problem';

/** The engine actor for an authenticated user. */
export const actorOf = (user: AuthUser): Actor => ({ userId: user.id, unitId: user.unitId });

/**
 * The version the client expects: `If-Match: "<version>"` (an ETag the API sent) or `expectedVersion`
 * in the body. Both may be given only if they agree.
 */
export function expectedVersionOf(req: Request, bodyVersion: number | undefined): number | undefined {
  const header = req.get('If-Match');
  let fromHeader: number | undefined;
  if (header !== undefined && header.trim() !== '*') {
    const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
    if (!match)
      throw new HttpProblem('validationFailed', 'If-Match must be a stream version such as "3"', {
        invalidFields: [{ field: 'If-Match', messages: ['must be a version such as "3"'] }],
      });
    fromHeader = Number(match[1]);
  }
  if (fromHeader !== undefined && bodyVersion !== undefined && fromHeader !== bodyVersion) {
    throw new HttpProblem(
      'validationFailed',
      `If-Match (${fromHeader}) and expectedVersion (${bodyVersion}) disagree`,
      { invalidFields: [{ field: 'expectedVersion', messages: ['disagrees with If-Match'] }] },
    );
  }
  return fromHeader ?? bodyVersion;
}

/** A stored event as the API shows it. */
export function eventView(event: StoredEvent) {
  return {
    sequence: event.sequence,
    type: event.type,
    payload: event.payload,
    actorId: event.actorId,
    unitId: event.unitId,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    machineVersion: event.machineVersion,
    globalPosition: event.globalPosition,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

/** Escalations the rules hook (`rulesHook`, named "rules") issued in the command's transaction. */
function escalationsOf(effects: Record<string, unknown[]>): unknown[] {
  return effects.rules ?? [];
}

/** The response to a command: the new state and version, the event, and what the rules produced. */
export function commandView(result: CommandResult) {
  return {
    streamId: result.streamId,
    streamType: result.streamType,
    version: result.version,
    state: result.state,
    event: eventView(result.event),
    escalations: escalationsOf(result.effects),
    effects: Object.fromEntries(Object.entries(result.effects).filter(([name]) => name !== 'idempotency')),
  };
}

/** Sends a command's result with the stream version as ETag (for the next If-Match). */
export function sendCommand(res: Response, result: CommandResult, status = 200) {
  res.status(status).setHeader('ETag', `"${result.version}"`);
  return commandView(result);
}

/** A stream as the API shows it: head columns, context and the events its state accepts now. */
export function streamView(stream: StreamRecord) {
  const definition = definitionFor(stream.streamType, stream.machineVersion);
  return {
    streamId: stream.streamId,
    streamType: stream.streamType,
    version: stream.version,
    state: stream.state,
    campaignId: stream.campaignId,
    unitId: stream.unitId,
    unitPath: stream.unitPath,
    category: stream.category,
    deadline: stream.deadline,
    overdue: stream.overdue,
    createdAt: stream.createdAt,
    updatedAt: stream.updatedAt,
    acceptedEvents: acceptedEvents(definition, stream.snapshot),
    context: stream.snapshot.context,
  };
}

/** Loads a stream of the given type or throws 404. */
export async function loadStreamOf(
  context: ApiContext,
  streamType: string,
  streamId: string,
): Promise<StreamRecord> {
  const stream = await context.runtime.store.loadStream(streamId);
  if (!stream || stream.streamType !== streamType) throw notFound(streamType, streamId);
  return stream;
}

/** What authorisation needs of a stream, read without its (possibly large) snapshot. */
export interface StreamHead {
  streamId: string;
  streamType: string;
  version: number;
  unitId: string;
  unitPath: string;
  /** For items: the unit handling the clue (its verification unit, else the reported unit). */
  handlingUnitId: string | null;
}

/** Loads a stream's head of the given type or throws 404. */
export async function loadStreamHead(
  context: ApiContext,
  streamType: string,
  streamId: string,
): Promise<StreamHead> {
  const rows = (await context.runtime.database.dataSource.query(
    `SELECT stream_type, version, unit_id, unit_path,
            COALESCE(snapshot #>> '{context,verification,unitId}', snapshot #>> '{context,reportedUnitId}') AS handling_unit_id
       FROM streams WHERE stream_id = $1`,
    [streamId],
  )) as Array<{
    stream_type: string;
    version: number;
    unit_id: string;
    unit_path: string;
    handling_unit_id: string | null;
  }>;
  const row = rows[0];
  if (!row || row.stream_type !== streamType) throw notFound(streamType, streamId);
  return {
    streamId,
    streamType,
    version: Number(row.version),
    unitId: row.unit_id,
    unitPath: row.unit_path,
    handlingUnitId: row.handling_unit_id,
  };
}

/**
 * Runs a command whose authorisation depends on the stream's current head. The decision is taken on the
 * version that the command then applies to: if the stream moves in between, the command fails with a
 * conflict and (unless the client pinned a version) is re-authorised and retried on the new head.
 */
export async function authorisedCommand(
  context: ApiContext,
  streamType: string,
  streamId: string,
  expectedVersion: number | undefined,
  authorise: (stream: StreamHead) => Promise<void> | void,
  run: (stream: StreamHead, version: number) => Promise<CommandResult>,
): Promise<CommandResult> {
  for (let attempt = 0; ; attempt++) {
    const stream = await loadStreamHead(context, streamType, streamId);
    await authorise(stream);
    try {
      return await run(stream, expectedVersion ?? stream.version);
    } catch (error) {
      if (error instanceof VersionConflictError && expectedVersion === undefined && attempt < 10) continue;
      throw error;
    }
  }
}
