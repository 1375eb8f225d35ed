import {
  ESCALATION_MEASURES,
  type EscalationContext,
  type EscalationTrigger,
} from '../machines/escalation-types';
import type { ConditionTrace, FactRead } from '../rules';
import { formatValue } from '../rules/format-value';
import type {
  CandidateView,
  RecordedEscalation,
  SimEscalation,
  SimFailure,
  SimulationOutcome,
  TagApplication,
} from './simulation';

/**
 * The report of a what-if simulation — the stable JSON shape of `zhengzhi rules simulate --json` and
 * `POST /campaigns/:id/rule-sets/simulate` (README, "What-if simulation"). Escalations are compared by
 * item, rule and target: the same on both sides is unchanged (or changed in measure or time); one only the
 * candidate issues is added, one only the recorded rules issued is removed; an added and a removed one of
 * the same item and rule with different targets are one change of target.
 */

/** A fact a condition read, with its value at the time. */
export interface ReportFact {
  fact: string;
  factEn: string;
  value: unknown;
  /** The value as a person reads it (Chinese labels, `31 天`). */
  text: string;
}

/** One escalation, recorded or simulated, with the facts behind it. */
export interface ReportEscalation {
  /** The recorded escalation's stream id; null for one only the candidate issues. */
  escalationId: string | null;
  itemId: string | null;
  unitId: string;
  ruleId: string;
  ruleTitle: string;
  ruleSetVersion: number;
  measure: string;
  target: { kind: string; id: string };
  issuedAt: string;
  trigger: EscalationTrigger;
  reason: string;
  respondBy: string | null;
  facts: ReportFact[];
}

/** Why the candidate did not issue a removed escalation, at the instant it was recorded. */
export type CandidateReport =
  | Exclude<CandidateView, { outcome: 'conditionFalse' }>
  | { outcome: 'conditionFalse'; failedConditions: string[]; facts: ReportFact[] };

export type ChangeKind = 'heavier' | 'lighter' | 'otherTarget' | 'earlier' | 'later';

export interface ReportChange {
  itemId: string | null;
  unitId: string;
  ruleId: string;
  kinds: ChangeKind[];
  recorded: ReportEscalation;
  simulated: ReportEscalation;
}

export interface GroupCounts {
  added: number;
  removed: number;
  changed: number;
}

export interface SimulationReport {
  campaignId: string;
  candidate: {
    ruleSetId: string;
    version: number;
    ruleCount: number;
    fileName: string;
    sourceSha256: string;
  };
  published: Array<{ version: number; ruleSetId: string; publishedAt: string }>;
  window: { from: string | null; to: string | null };
  evaluated: SimulationOutcome['counts'];
  summary: {
    recorded: number;
    simulated: number;
    unchanged: number;
    added: number;
    removed: number;
    changed: number;
    identical: boolean;
  };
  added: ReportEscalation[];
  removed: Array<ReportEscalation & { candidate: CandidateReport }>;
  changed: ReportChange[];
  byRule: Array<{ ruleId: string; ruleTitle: string } & GroupCounts>;
  byUnit: Array<{ unitId: string } & GroupCounts>;
  byItem: Array<{ itemId: string | null; unitId: string } & GroupCounts>;
  tags: { added: TagApplication[]; removed: TagApplication[] };
  failures: SimFailure[];
}

const weight = (measure: string): number => ESCALATION_MEASURES.indexOf(measure as never);

function factsOf(provenance: unknown): ReportFact[] {
  const reads = (provenance as { reads?: FactRead[] } | null)?.reads;
  return (reads ?? []).map((r) => ({
    fact: r.zh,
    factEn: r.en,
    value: r.value,
    text: r.type ? formatValue(r.type, r.value, 'zh') : String(r.value),
  }));
}

function view(
  context: EscalationContext,
  escalationId: string | null,
  provenance: unknown,
): ReportEscalation {
  return {
    escalationId,
    itemId: context.itemId,
    unitId: context.unitId,
    ruleId: context.ruleId,
    ruleTitle: context.ruleTitle,
    ruleSetVersion: context.ruleSetVersion,
    measure: context.measure,
    target: { kind: context.target.kind, id: context.target.id },
    issuedAt: context.issuedAt,
    trigger: context.trigger,
    reason: context.reason,
    respondBy: context.respondBy,
    facts: factsOf(provenance),
  };
}

/** The leaf conditions that did not hold, as written in the candidate file. */
function failedLeaves(trace: ConditionTrace, out: string[] = []): string[] {
  if (trace.children.length === 0) {
    if (!trace.holds) out.push(trace.text);
  } else for (const child of trace.children) failedLeaves(child, out);
  return out;
}

function candidateReport(view: CandidateView): CandidateReport {
  if (view.outcome !== 'conditionFalse') return view;
  return {
    outcome: 'conditionFalse',
    failedConditions: failedLeaves(view.facts.condition),
    facts: factsOf(view.facts),
  };
}

const simulatedView = (e: SimEscalation) => view(e.context, null, e.provenance);
const recordedView = (e: RecordedEscalation) => view(e.context, e.escalationId, e.context.provenance);

function changeKinds(recorded: ReportEscalation, simulated: ReportEscalation): ChangeKind[] {
  const kinds: ChangeKind[] = [];
  if (recorded.target.kind !== simulated.target.kind || recorded.target.id !== simulated.target.id)
    kinds.push('otherTarget');
  const delta = weight(simulated.measure) - weight(recorded.measure);
  if (delta > 0) kinds.push('heavier');
  if (delta < 0) kinds.push('lighter');
  const time = Date.parse(simulated.issuedAt) - Date.parse(recorded.issuedAt);
  if (time < 0) kinds.push('earlier');
  if (time > 0) kinds.push('later');
  return kinds;
}

const byTime = <T extends { issuedAt: string; itemId: string | null; ruleId: string }>(a: T, b: T) =>
  a.issuedAt.localeCompare(b.issuedAt) ||
  (a.itemId ?? '').localeCompare(b.itemId ?? '') ||
  a.ruleId.localeCompare(b.ruleId);

/** Summarises a simulation into the report. */
export function buildSimulationReport(
  outcome: SimulationOutcome,
  meta: Pick<SimulationReport, 'candidate' | 'published'>,
): SimulationReport {
  const changed: ReportChange[] = [];
  let unchanged = 0;
  for (const simulated of outcome.simulated) {
    if (!simulated.twin) continue;
    const r = recordedView(simulated.twin);
    const s = simulatedView(simulated);
    const kinds = changeKinds(r, s);
    if (kinds.length === 0) unchanged++;
    else
      changed.push({
        itemId: s.itemId,
        unitId: s.unitId,
        ruleId: s.ruleId,
        kinds,
        recorded: r,
        simulated: s,
      });
  }
  // Same item and rule, another target: one change rather than an addition and a removal. A unit subject
  // (no item) is the same subject only for the same unit.
  const removedLeft = outcome.recorded.filter((r) => !r.twin);
  const added: ReportEscalation[] = [];
  const sameSubject = (a: EscalationContext, b: EscalationContext) =>
    a.itemId === b.itemId && (a.itemId !== null || a.unitId === b.unitId) && a.ruleId === b.ruleId;
  for (const simulated of outcome.simulated.filter((s) => !s.twin)) {
    const index = removedLeft.findIndex((r) => sameSubject(r.context, simulated.context));
    if (index < 0) {
      added.push(simulatedView(simulated));
      continue;
    }
    const [recorded] = removedLeft.splice(index, 1);
    const r = recordedView(recorded!);
    const s = simulatedView(simulated);
    changed.push({
      itemId: s.itemId,
      unitId: s.unitId,
      ruleId: s.ruleId,
      kinds: changeKinds(r, s),
      recorded: r,
      simulated: s,
    });
  }
  const removed = removedLeft.map((r) => ({ ...recordedView(r), candidate: candidateReport(r.candidate) }));
  added.sort(byTime);
  removed.sort(byTime);
  changed.sort((a, b) => byTime(a.simulated, b.simulated));

  const titles = new Map<string, string>();
  const group = <K extends string | null>(key: (e: ReportEscalation) => K) => {
    const counts = new Map<K, GroupCounts>();
    const bump = (k: K, field: keyof GroupCounts) => {
      const c = counts.get(k) ?? { added: 0, removed: 0, changed: 0 };
      c[field]++;
      counts.set(k, c);
    };
    for (const e of added) bump(key(e), 'added');
    for (const e of removed) bump(key(e), 'removed');
    for (const c of changed) bump(key(c.simulated), 'changed');
    return [...counts].sort(([a], [b]) => String(a).localeCompare(String(b)));
  };
  for (const e of [...added, ...removed, ...changed.map((c) => c.simulated)])
    titles.set(e.ruleId, e.ruleTitle);
  const units = new Map<string | null, string>();
  for (const e of [...added, ...removed, ...changed.map((c) => c.simulated)]) units.set(e.itemId, e.unitId);

  const tagKey = (t: TagApplication) => `${t.itemId}\u0000${t.tag}`;
  const recordedTags = new Set(outcome.tags.recorded.map(tagKey));
  const simulatedTags = new Set(outcome.tags.simulated.map(tagKey));
  const tags = {
    added: outcome.tags.simulated.filter((t) => !recordedTags.has(tagKey(t))),
    removed: outcome.tags.recorded.filter((t) => !simulatedTags.has(tagKey(t))),
  };
  return {
    campaignId: outcome.campaignId,
    candidate: meta.candidate,
    published: meta.published,
    window: outcome.window,
    evaluated: outcome.counts,
    summary: {
      recorded: outcome.recorded.length,
      simulated: outcome.simulated.length,
      unchanged,
      added: added.length,
      removed: removed.length,
      changed: changed.length,
      identical:
        added.length + removed.length + changed.length + tags.added.length + tags.removed.length === 0,
    },
    added,
    removed,
    changed,
    byRule: group((e) => e.ruleId).map(([ruleId, c]) => ({
      ruleId,
      ruleTitle: titles.get(ruleId) ?? '',
      ...c,
    })),
    byUnit: group((e) => e.unitId).map(([unitId, c]) => ({ unitId, ...c })),
    // Unit subjects (no item) count per rule and per unit only.
    byItem: group((e) => e.itemId)
      .filter(([itemId]) => itemId !== null)
      .map(([itemId, c]) => ({ itemId, unitId: units.get(itemId) ?? '', ...c })),
    tags,
    failures: outcome.failures,
  };
}
