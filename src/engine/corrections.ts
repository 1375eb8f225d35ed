import type { CorrectableContext } from '../machines/item-corrections';
import type { CampaignContext } from '../machines/campaign-types';
import type { EscalationContext } from '../machines/escalation-types';
import type { Directory } from '../persistence/directory';
import type { EventStoreTransaction, StreamRecord } from '../persistence/event-store';

type Prepared = { event: Record<string, unknown> & { type: string; at: string } } | { problem: string };
type Event = Record<string, unknown> & { type: string; at: string };

/** Events a correction may not name: the registration, migrations and the corrections themselves. */
const UNCORRECTABLE = new Set([
  'REGISTER',
  'MIGRATED',
  'REQUEST_CORRECTION',
  'APPROVE_CORRECTION',
  'REFUSE_CORRECTION',
]);
const FINAL_ESCALATION = new Set(['lifted', 'steppedUp', 'voided']);

/** Who may approve (or refuse) a correction of an item: the principal of its handling unit, or a supervisor above. */
export async function correctionRightProblem(
  tx: EventStoreTransaction,
  directory: Directory,
  userId: unknown,
  item: StreamRecord,
): Promise<string | null> {
  if (typeof userId !== 'string' || userId === '') return 'the approver is required';
  const rows = await tx.query<{ role: string; unit_id: string; is_principal: boolean; path: string }>(
    `SELECT u.role, u.unit_id, u.is_principal, un.path FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = $1`,
    [userId],
  );
  const user = rows[0];
  if (!user) return `user ${userId} does not exist`;
  if (user.role === 'supervisor' && item.unitPath.startsWith(user.path)) return null;
  if (user.is_principal && user.unit_id === item.unitId) return null;
  void directory;
  return `${userId} may not approve corrections of this item: that needs the principal leader of ${item.unitId} or a supervisor above it`;
}

async function eventTypeAt(
  tx: EventStoreTransaction,
  streamId: string,
  sequence: number,
): Promise<string | null> {
  const rows = await tx.query<{ type: string }>(
    'SELECT type FROM events WHERE stream_id = $1 AND sequence = $2',
    [streamId, sequence],
  );
  return rows[0]?.type ?? null;
}

/** Escalations to void must be open and produced by the corrected event. */
async function voidProblem(
  tx: EventStoreTransaction,
  item: StreamRecord,
  corrects: number,
  ids: unknown,
): Promise<string | null> {
  if (ids === undefined) return null;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
    return 'voidEscalations must be a list of escalation ids';
  for (const id of ids as string[]) {
    const escalation = await tx.loadStream(id);
    if (!escalation || escalation.streamType !== 'escalation') return `escalation ${id} does not exist`;
    const trigger = (escalation.snapshot.context as EscalationContext).trigger;
    if (trigger.kind !== 'event' || trigger.streamId !== item.streamId || trigger.sequence !== corrects)
      return `escalation ${id} was not produced by event ${corrects} of ${item.streamId}`;
    if (FINAL_ESCALATION.has(escalation.state)) return `escalation ${id} is already ${escalation.state}`;
  }
  return null;
}

async function requestProblem(
  tx: EventStoreTransaction,
  directory: Directory,
  item: StreamRecord,
  event: Event,
): Promise<string | null> {
  const corrects = event.corrects;
  if (!Number.isInteger(corrects) || (corrects as number) < 1 || (corrects as number) > item.version)
    return `corrects must name an event of this item (1–${item.version})`;
  const type = await eventTypeAt(tx, item.streamId, corrects as number);
  if (type === null || UNCORRECTABLE.has(type))
    return `event ${String(corrects)} (${type}) cannot be corrected`;
  const fields = (event.fields ?? {}) as Record<string, unknown>;
  if (typeof fields.category === 'string') {
    const campaign = await tx.loadStream((item.snapshot.context as CorrectableContext).campaignId);
    const codes = ((campaign?.snapshot.context as CampaignContext | undefined)?.categories ?? []).map(
      (c) => c.code,
    );
    if (!codes.includes(fields.category))
      return `category ${fields.category} is not one of this campaign's categories: ${codes.join(', ')}`;
  }
  for (const field of ['responsibleUnitId', 'verificationUnitId']) {
    const unitId = fields[field];
    if (unitId === undefined) continue;
    const exists = await directory
      .unitPath(String(unitId), (sql, p) => tx.query(sql, p))
      .then(
        () => true,
        () => false,
      );
    if (!exists) return `fields.${field}: unit ${String(unitId)} does not exist`;
  }
  return voidProblem(tx, item, corrects as number, event.voidEscalations);
}

/**
 * The engine's part of a correction: a request names a real event of the item (its type is stamped), a
 * decision is taken by someone with the right, and the approval is stamped with the states it moves
 * between so that bulletins and timelines read it without replaying.
 */
export const correctionPreparers: Record<
  string,
  (tx: EventStoreTransaction, stream: StreamRecord, event: Event, directory: Directory) => Promise<Prepared>
> = {
  REQUEST_CORRECTION: async (tx, stream, event, directory) => {
    const problem = await requestProblem(tx, directory, stream, event);
    if (problem) return { problem };
    const type = await eventTypeAt(tx, stream.streamId, event.corrects as number);
    return { event: { ...event, correctsType: type } };
  },
  APPROVE_CORRECTION: async (tx, stream, event, directory) => {
    const pending = (stream.snapshot.context as Partial<CorrectableContext>).pendingCorrection;
    if (pending && event.approvedBy === pending.requestedBy)
      return { problem: 'a correction needs a second person: the requester cannot approve it' };
    const problem = pending ? await correctionRightProblem(tx, directory, event.approvedBy, stream) : null;
    if (problem) return { problem };
    return { event: { ...event, fromState: stream.state, targetState: pending?.targetState ?? null } };
  },
  REFUSE_CORRECTION: async (tx, stream, event, directory) => {
    const pending = (stream.snapshot.context as Partial<CorrectableContext>).pendingCorrection;
    // The requester may withdraw; anyone else needs the approver's right.
    if (!pending || event.refusedBy === pending.requestedBy) return { event };
    const problem = await correctionRightProblem(tx, directory, event.refusedBy, stream);
    return problem ? { problem } : { event };
  },
};
