import type { Request, Response } from 'express';
import { databaseQuery } from '../persistence/database';
import { readStreamHead, type StreamHeadRow } from '../persistence/stream-heads';
import { isOverdueAt } from '../persistence/overdue';
import type { Actor, CommandResult } from '../engine/engine';
import { definitionFor } from '../machines/registry';
import { acceptedEvents } from '../machines/step';
import type { EventStoreTransaction, StoredEvent, StreamRecord } from '../persistence/event-store';
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

const isRecord = (effect: unknown) => typeof effect === 'object' && effect !== null && 'recorded' in effect;

/** Escalations the rules hook (`rulesHook`, named "rules") issued in the command's transaction. */
function escalationsOf(effects: Record<string, unknown[]>): unknown[] {
  return (effects.rules ?? []).filter((e) => !isRecord(e));
}

/** What the rules recorded without issuing (occurrences, suppressions, review flags). */
function recordedDecisionsOf(effects: Record<string, unknown[]>): unknown[] {
  return (effects.rules ?? []).filter(isRecord);
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
    recordedDecisions: recordedDecisionsOf(result.effects),
    effects: Object.fromEntries(
      Object.entries(result.effects).filter(([name]) => name !== 'idempotency' && name !== 'append-notify'),
    ),
  };
}

/** Sends a command's result with the stream version as ETag (for the next If-Match). */
export function sendCommand(res: Response, result: CommandResult, status = 200) {
  res.status(status).setHeader('ETag', `"${result.version}"`);
  return commandView(result);
}

/**
 * A stream as the API shows it: head columns, context and the events its state accepts now; `overdue` is
 * derived from its deadline at `at` (the request's instant), as every list and count derives it.
 */
export function streamView(stream: StreamRecord, at: string) {
  const ledger = (stream.snapshot.context as { ledger?: { longTerm?: unknown } | null }).ledger;
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
    overdue: isOverdueAt(
      { ...stream, longTerm: typeof ledger?.longTerm === 'object' && ledger.longTerm !== null },
      at,
    ),
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
export interface StreamHead extends Omit<StreamHeadRow, 'streamType'> {
  streamId: string;
  streamType: string;
}

function toHead(streamId: string, streamType: string, row: StreamHeadRow | null): StreamHead {
  if (!row || row.streamType !== streamType) throw notFound(streamType, streamId);
  return { ...row, streamId, streamType };
}

/** Loads a stream's head of the given type or throws 404. */
export async function loadStreamHead(
  context: ApiContext,
  streamType: string,
  streamId: string,
): Promise<StreamHead> {
  return toHead(
    streamId,
    streamType,
    await readStreamHead(databaseQuery(context.runtime.database), streamId),
  );
}

/**
 * Runs a command whose authorisation depends on the stream's current head, in one transaction: the head is
 * read with a row lock, authorised, and the command applied to exactly that version. Concurrent commands
 * on the same stream queue behind the lock instead of racing (a client that pinned a version still gets its
 * 409 when someone else went first). `authorise` must not query the database: on the embedded database the
 * transaction holds the only connection.
 */
export async function authorisedCommand(
  context: ApiContext,
  streamType: string,
  streamId: string,
  expectedVersion: number | undefined,
  authorise: (stream: StreamHead) => void,
  run: (tx: EventStoreTransaction, stream: StreamHead, version: number) => Promise<CommandResult>,
): Promise<CommandResult> {
  // Through the engine's group commit: concurrent requests share a transaction and a flush.
  return context.runtime.engine.transaction(async (tx) => {
    const head = await readStreamHead((sql, parameters) => tx.query(sql, parameters), streamId, {
      forUpdate: true,
    });
    const stream = toHead(streamId, streamType, head);
    authorise(stream);
    return run(tx, stream, expectedVersion ?? stream.version);
  });
}
