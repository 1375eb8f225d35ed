import { definitionFor } from '../machines/registry';
import { acceptedEvents, type PersistedState } from '../machines/step';
import type { Database } from '../persistence/database';
import { EventStore } from '../persistence/event-store';
import { NotFoundError } from '../shared/errors';
import { timeline, type ProducedEscalation } from './timeline';

/** Why a stream is in its state and what it is waiting for. */
export interface StateExplanation {
  streamId: string;
  streamType: string;
  state: string;
  finished: boolean;
  /** The event that put the stream into its current state (the last one that changed state). */
  enteredBy: {
    sequence: number;
    type: string;
    actorId: string;
    unitId: string;
    occurredAt: string;
    from: string | null;
    /** What the person wrote with that event (reason, note, findings …), field by field. */
    words: Record<string, string>;
  } | null;
  /** Event types the current state accepts (from the machine version the stream runs on). */
  waitingFor: string[];
  /** Deadlines still ahead of the stream (or already passed, with `overdue`). */
  deadlines: Array<{ what: string; due: string; overdue: boolean }>;
  /** What the durable scheduler will fire at this stream (deadline events, report dues), soonest first. */
  scheduled: Array<{ kind: string; dueAt: string }>;
  escalations: ProducedEscalation[];
}

/** One condition of a fired rule, flattened with its depth, and whether it held. */
export interface ConditionLine {
  depth: number;
  text: string;
  holds: boolean;
}

/** Why an escalation exists: the rule and version, the facts and their values, the conditions, the trigger. */
export interface EscalationExplanation extends StateExplanation {
  measure: unknown;
  reason: unknown;
  target: unknown;
  respondBy: unknown;
  rule: { id: unknown; title: unknown; ruleSetId: unknown; ruleSetVersion: unknown; text: string | null };
  facts: Array<{ name: string; value: unknown }>;
  conditions: ConditionLine[];
  trigger: unknown;
  overridden: unknown;
  /** The provenance exactly as stored, for whatever the renderer above does not show. */
  provenance: unknown;
}

type Json = Record<string, unknown>;
const asObject = (v: unknown): Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : {};

function deadlinesOf(
  streamType: string,
  state: PersistedState,
  row: { deadline: string | null; overdue: boolean },
): StateExplanation['deadlines'] {
  const c = asObject(state.context);
  const out: StateExplanation['deadlines'] = [];
  if (streamType === 'item') {
    const v = asObject(c.verification);
    const l = asObject(c.ledger);
    if (state.value === 'verifying' && typeof v.deadline === 'string')
      out.push({ what: 'verification (核查时限)', due: v.deadline, overdue: v.overdue === true });
    if (state.value === 'rectifying' && typeof l.deadline === 'string')
      out.push({ what: 'rectification (整改时限)', due: l.deadline, overdue: l.overdue === true });
  } else if (streamType === 'escalation') {
    if (typeof c.respondBy === 'string' && state.status === 'active')
      out.push({ what: 'response (回复时限)', due: c.respondBy, overdue: c.responseOverdue === true });
  } else if (row.deadline) {
    out.push({ what: `${state.value} phase`, due: row.deadline, overdue: row.overdue });
  }
  return out;
}

async function scheduledFor(database: Database, streamId: string): Promise<StateExplanation['scheduled']> {
  try {
    const rows = (await database.dataSource.query(
      `SELECT kind, due_at FROM scheduled_jobs WHERE stream_id = $1 AND status = 'pending' ORDER BY due_at`,
      [streamId],
    )) as Array<{ kind: string; due_at: Date | string }>;
    return rows.map((r) => ({ kind: r.kind, dueAt: new Date(r.due_at).toISOString() }));
  } catch {
    return []; // a database without the scheduler's table
  }
}

/** The free-text fields of an event's payload: what a person gave as reason, note, findings, result. */
function wordsOf(payload: Record<string, unknown>): Record<string, string> {
  const fields = [
    'reason',
    'note',
    'findings',
    'result',
    'response',
    'outcome',
    'accountability',
    'measures',
  ];
  return Object.fromEntries(
    fields
      .filter((f) => typeof payload[f] === 'string' && payload[f] !== '')
      .map((f) => [f, String(payload[f])]),
  );
}

/** Why the stream is in its current state (who put it there, when) and what it is waiting for. */
export async function explainState(database: Database, streamId: string): Promise<StateExplanation> {
  const stream = await new EventStore(database).loadStream(streamId);
  if (!stream) throw new NotFoundError('stream', streamId);
  const history = await timeline(database, streamId);
  const entered =
    [...history.entries]
      .reverse()
      .find((e) => e.stateAfter === stream.state && e.stateBefore !== e.stateAfter) ?? null;
  const definition = definitionFor(stream.streamType, stream.machineVersion);
  return {
    streamId,
    streamType: stream.streamType,
    state: stream.state,
    finished: stream.snapshot.status !== 'active',
    enteredBy: entered
      ? {
          sequence: entered.sequence,
          type: entered.type,
          actorId: entered.actorId,
          unitId: entered.unitId,
          occurredAt: entered.occurredAt,
          from: entered.stateBefore,
          words: wordsOf(entered.payload),
        }
      : null,
    waitingFor: acceptedEvents(definition, stream.snapshot),
    deadlines: deadlinesOf(stream.streamType, stream.snapshot, stream),
    // A job whose event the current state no longer accepts (a verification deadline after confirmation)
    // will be skipped by the scheduler: it is not something the stream waits for.
    scheduled: (await scheduledFor(database, streamId)).filter(
      (job) => !/^[A-Z_]+$/.test(job.kind) || acceptedEvents(definition, stream.snapshot).includes(job.kind),
    ),
    escalations: [...history.entries.flatMap((e) => e.escalations), ...history.otherEscalations],
  };
}

function flattenConditions(node: unknown, depth: number, out: ConditionLine[]): void {
  const n = asObject(node);
  if (typeof n.text !== 'string') return;
  out.push({ depth, text: n.text, holds: n.holds === true });
  for (const child of Array.isArray(n.children) ? n.children : []) flattenConditions(child, depth + 1, out);
}

/** The rule text: from the provenance, or else from the published rule set the escalation names. */
async function ruleText(database: Database, provenance: Json, payload: Json): Promise<string | null> {
  if (typeof provenance.source === 'string') return provenance.source;
  if (typeof payload.campaignId !== 'string' || typeof payload.ruleSetVersion !== 'number') return null;
  try {
    const rows = (await database.dataSource.query(
      'SELECT source FROM rule_sets WHERE campaign_id = $1 AND version = $2',
      [payload.campaignId, payload.ruleSetVersion],
    )) as Array<{
      source: string;
    }>;
    return rows[0]?.source ?? null;
  } catch {
    return null; // no rule_sets table in this database
  }
}

/**
 * Explains an escalation from what its creation event recorded (the hashed body): the rule and rule-set
 * version, the facts read with their values, which conditions held, the trigger and what it overrode.
 */
export async function explainEscalation(
  database: Database,
  streamId: string,
): Promise<EscalationExplanation> {
  const state = await explainState(database, streamId);
  const [creation] = await new EventStore(database).readStream(streamId, { toSequence: 1 });
  if (!creation) throw new NotFoundError('escalation', streamId);
  const payload = asObject((JSON.parse(creation.body) as Json).payload);
  const provenance = asObject(payload.provenance);
  const conditions: ConditionLine[] = [];
  flattenConditions(provenance.condition, 0, conditions);
  const reads = Array.isArray(provenance.reads) ? provenance.reads.map(asObject) : [];
  return {
    ...state,
    measure: payload.measure,
    reason: payload.reason,
    target: payload.target,
    respondBy: payload.respondBy,
    rule: {
      id: payload.ruleId ?? provenance.ruleId,
      title: payload.ruleTitle ?? provenance.title,
      ruleSetId: payload.ruleSetId,
      ruleSetVersion: payload.ruleSetVersion,
      text: await ruleText(database, provenance, payload),
    },
    facts: reads.map((r) => ({
      name:
        String(r.zh ?? r.en ?? r.name ?? '?') + (r.en && r.zh && r.en !== r.zh ? ` (${String(r.en)})` : ''),
      value: r.value,
    })),
    conditions,
    trigger: payload.trigger,
    overridden: payload.overridden,
    provenance: payload.provenance,
  };
}
