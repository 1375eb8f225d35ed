import {
  matchRules,
  traceRuleAt,
  type CampaignFacts,
  type CompiledRule,
  type EvalContext,
  type IssuedEscalation,
  type ItemFacts,
  type UnitFacts,
  unitSubjectRules,
  type Decision,
  type EscalationOrder,
  type FiredRule,
  type RuleFacts,
  type RuleFailure,
  type RuleSet,
} from '../rules';
import type { CampaignContext } from '../machines/campaign-types';
import type { EscalationContext, EscalationTrigger } from '../machines/escalation-types';
import { itemAccepts, startItem, stepItem, type ItemReplayState } from '../machines/item-stepper';
import type { ItemInput } from '../machines/item-types';
import { definitionFor, migrationFor } from '../machines/registry';
import { start, step, type PersistedState } from '../machines/step';
import { nextSweepAfter } from './deadline-jobs';
import { parseInstant } from '../rules/instants';
import { itemHorizon, planHorizon, unitSignature, type RuleSetHorizon } from './simulation-horizon';
import {
  campaignFactsFor,
  daysInStateAt,
  daysOverdueAt,
  itemFactsAt,
  itemFactsBase,
  type ItemFactsBase,
} from './item-facts';
import {
  decideSafely,
  evaluateSafely,
  freshTags,
  itemHistory,
  itemRuleFacts,
  unitRuleFacts,
  lighterOpen,
  openEscalations,
  ruleSetCanFire,
  splitOrders,
  withoutOpen,
  type EscalationRecord,
} from './item-decision';
import { itemContribution } from '../persistence/unit-item-counts';
import { RULES_ACTOR_ID } from './issuer';
import { evaluateUnitSubjectSafely, unitsThatMissed } from './unit-decision';
import { SCHEDULER_ACTOR_ID } from './scheduler';

/**
 * What-if simulation (issue 10 point 1): a candidate rule set evaluated over a campaign's recorded history —
 * after every item event and at every daily sweep, on the facts as they were then — beside the escalations
 * that were actually issued. Pure: the history arrives as batches of events (read by the caller through
 * src/persistence/campaign-history.ts), nothing is written, no clock is read.
 *
 * The world is rebuilt in event order: items through the item machine (item-stepper.ts), the campaign
 * through its machine, unit counts from the items, and escalations. Evaluation runs the same pure steps as
 * the live issuer (item-decision.ts): facts → evaluate → no second escalation while one is open → no
 * lighter measure under a heavier open one → tags → issue, stepping lighter open ones up. Within the window:
 * - escalations the recorded rules issued are not part of the world; the candidate's take their place;
 * - a candidate escalation stands for the recorded one with the same item, rule and target (its "twin") and
 *   is closed when that one was lifted or voided; one without a twin stays open (nobody handled it);
 * - tags the recorded rules added are left out and the candidate's tags are applied instead.
 * Before the window everything is as recorded.
 */

/** One recorded event, as the simulation reads it. */
export interface HistoryEvent {
  position: number;
  streamId: string;
  streamType: string;
  sequence: number;
  type: string;
  payload: Record<string, unknown>;
  actorId: string;
  occurredAt: string;
  machineVersion: number;
}

/** A daily rule sweep the scheduler ran: due at the cadence instant, run (evaluated) at `ranAt`. */
export interface SweepRun {
  dueAt: string;
  ranAt: string;
}

export interface SimulationInput {
  campaignId: string;
  ruleSet: RuleSet;
  history: AsyncIterable<readonly HistoryEvent[]>;
  recordedSweeps: readonly SweepRun[];
  /** Evaluate from this instant on (inclusive); null = from the start of the history. */
  from: string | null;
  /** Up to this instant (inclusive); null = the last recorded instant. */
  to: string | null;
  /**
   * Where the recorded escalations were issued (`itemId|c:<tick>`, `itemId|e:<stream>:<sequence>`): only the
   * candidate's evaluations there are kept to explain a removed one. Undefined = keep every evaluation.
   */
  recordedIssueTriggers?: ReadonlySet<string>;
  /**
   * Decide every evaluation in full, without the caches and shortcuts of `#evaluate` (tests compare the two
   * on generated campaigns: the reports must be identical).
   */
  exhaustive?: boolean;
}

/** An escalation in the simulated world: recorded before the window, or issued by the candidate. */
export interface SimEscalation extends EscalationRecord {
  origin: 'recorded' | 'simulated';
  order: number;
  trigger: EscalationTrigger;
  /** The fired rule's facts and conditions. */
  provenance: FiredRule | null;
  twin: RecordedEscalation | null;
}

/** Why the candidate did not issue a recorded escalation at the instant it was issued. */
export type CandidateView =
  | { outcome: 'ruleAbsent' }
  | { outcome: 'notEvaluated' }
  | { outcome: 'ruleSetFailed'; message: string }
  | { outcome: 'conditionFalse'; facts: FiredRule }
  | { outcome: 'overridden'; cause: string; byRuleId: string; explanation: { zh: string; en: string } }
  | { outcome: 'underHeavier'; heavierEscalationId: string; measure: string }
  | { outcome: 'issuedOtherwise'; measure: string; target: { kind: string; id: string } };

/** An escalation the recorded rules issued inside the window. */
export interface RecordedEscalation {
  escalationId: string;
  context: EscalationContext;
  twin: SimEscalation | null;
  candidate: CandidateView;
}

/** A rule failure seen while simulating, counted per rule and stage. */
export interface SimFailure extends RuleFailure {
  count: number;
  firstAt: string;
  itemId: string | null;
}

export interface TagApplication {
  itemId: string;
  tag: string;
  at: string;
  ruleId: string | null;
}

/** Everything the simulation saw, before it is summarised into a report (simulation-report.ts). */
export interface SimulationOutcome {
  campaignId: string;
  window: { from: string | null; to: string | null };
  counts: {
    events: number;
    itemEvents: number;
    evaluatedItemEvents: number;
    sweeps: number;
    recordedSweeps: number;
    cadenceSweeps: number;
    evaluations: number;
  };
  simulated: SimEscalation[];
  recorded: RecordedEscalation[];
  items: Map<string, { unitId: string }>;
  tags: { simulated: TagApplication[]; recorded: TagApplication[] };
  failures: SimFailure[];
}

interface SimItem {
  itemId: string;
  state: ItemReplayState;
  unitId: string;
  overdue: boolean;
  /** Bumped whenever the item's state changes: what is cached from it (below) is then rebuilt. */
  version: number;
  /** The instant-independent part of its facts, for `version`. */
  factsBase: ItemFactsBase | null;
  /** Its item facts at the last instant evaluated (reused while the day counts are unchanged). */
  itemFacts: ItemFacts | null;
  /** The escalations around it, as of the versions recorded in it. */
  around: Around | null;
  /** Its last full evaluation that changed nothing (see `#unchangedOutcome`), or null. */
  quiet: QuietOutcome | null;
  /** Changes to the escalations on it, and its unit's counts (see `#around`). */
  escalationChanges: number;
  unit: UnitTally | null;
}

interface UnitTally {
  open: number;
  overdue: number;
  rectified: number;
  complaints: Map<string, readonly string[]>;
  sortedComplaints: string[] | null;
  /** Its unit facts, until its counts or complaints (or the campaign's reporting record) change. */
  facts: UnitFacts | null;
  factsCampaignVersion: number;
  /** Changes to the escalations against the unit (unit / unit-leader targets). */
  escalationChanges: number;
}

/** The escalations on an item and on its unit, with what the decision reads of them. */
interface Around {
  itemEscalations: number;
  unitEscalations: number;
  unitId: string;
  escalations: SimEscalation[];
  open: EscalationRecord[];
  history: IssuedEscalation[];
}

/**
 * An item's full evaluation that issued nothing, tagged nothing and failed nowhere. Another evaluation of
 * the item with the same rules holding, the same item state and the same escalations around it builds the
 * same orders (targets come from the item; only response deadlines move with the instant, and they matter
 * only for orders issued), so it changes nothing either and need not be decided again.
 */
interface QuietOutcome {
  itemVersion: number;
  around: Around;
  fired: readonly CompiledRule[];
  /** When it was evaluated (epoch ms), on which facts, and the unit and campaign atoms' values then. */
  now: number;
  facts: RuleFacts;
  unitSignature: string | null;
  /** The earliest instant one of the item's rules could change value with time alone (computed when asked). */
  horizon: number | undefined;
}

interface PendingSweep extends SweepRun {
  recorded: boolean;
  /** `ranAt` parsed, once asked for. */
  ranAtMs?: number;
}

interface Evaluation {
  at: string;
  trigger: string;
  facts: RuleFacts;
  decision: Decision | null;
  failure: string | null;
  underHeavier: Array<{ order: EscalationOrder; heavier: EscalationRecord }>;
  issued: SimEscalation[];
}

const SWEPT_STATES = new Set([
  'registered',
  'verifying',
  'confirmed',
  'rectifying',
  'awaitingAcceptance',
  'reopened',
]);
const byItemId = (a: SimItem, b: SimItem) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0);
const UNIT_TARGETS = new Set(['unit', 'unit_leader']);
const triggerKey = (t: EscalationTrigger): string =>
  t.kind === 'clock' ? `c:${new Date(t.tick).toISOString()}` : `e:${t.streamId}:${t.sequence}`;
const twinKey = (itemId: string | null, ruleId: string, target: { kind: string; id: string }) =>
  `${itemId}\u0000${ruleId}\u0000${target.kind}\u0000${target.id}`;
const iso = (value: unknown): number => Date.parse(String(value));

/** Runs the simulation over the whole history. */
export async function simulate(input: SimulationInput): Promise<SimulationOutcome> {
  const run = new Simulation(input);
  for await (const batch of input.history) for (const event of batch) run.consume(event);
  return run.finish();
}

class Simulation {
  readonly #ruleSet: RuleSet;
  readonly #from: string | null;
  readonly #to: string | null;
  readonly #campaignId: string;
  readonly #fromMs: number;
  readonly #explainAt: ReadonlySet<string> | undefined;
  readonly #exhaustive: boolean;
  readonly #toMs: number;
  /** Item ids in `ORDER BY stream_id` order (as the scheduler's sweep reads them), rebuilt when items arrive. */
  #sweepOrder: SimItem[] = [];
  /** Items registered since the sweep order was last brought up to date. */
  #unsortedItems: SimItem[] = [];
  #campaign: PersistedState | null = null;
  #campaignVersion = 1;
  readonly #items = new Map<string, SimItem>();
  readonly #units = new Map<string, UnitTally>();
  readonly #byItem = new Map<string, SimEscalation[]>();
  readonly #byUnitTarget = new Map<string, SimEscalation[]>();
  /** Recorded escalations of the world (issued before the window) and of the window, by stream id. */
  readonly #worldById = new Map<string, SimEscalation>();
  readonly #recordedById = new Map<string, RecordedEscalation>();
  readonly #unpairedRecorded = new Map<string, RecordedEscalation[]>();
  readonly #unpairedSimulated = new Map<string, SimEscalation[]>();
  readonly #simulated: SimEscalation[] = [];
  readonly #recorded: RecordedEscalation[] = [];
  readonly #simTags: TagApplication[] = [];
  readonly #recordedTags: TagApplication[] = [];
  readonly #failures = new Map<string, SimFailure>();
  /** The evaluations of the latest evaluation point, by item: a recorded escalation issued there is explained from them. */
  #lastEvaluations = new Map<string, Evaluation>();
  #pendingItemEvent: { item: SimItem; event: HistoryEvent } | null = null;
  /** Bumped when the campaign changes (its facts and the units' missed reports are then rebuilt). */
  #campaignChanges = 0;
  #campaignFacts: CampaignFacts | null = null;
  #campaignFactsInstant = '';
  /** The unit and campaign atoms' values per unit at the current sweep (see `#sweepUnitSignature`). */
  readonly #sweepSignatures = new Map<string, { unit: UnitFacts; tick: string; signature: string | null }>();
  readonly #horizon: RuleSetHorizon;
  #campaignFactsVersion = -1;
  #eventInstant = '';
  #eventInstantMs = NaN;
  #instantText = '';
  #instantValue = NaN;
  /** Every response deadline (ms) the candidate's escalations set. */
  readonly #responseDeadlines: number[];
  #lookBackRound: { at: string; actorId: string } | null = null;
  readonly #recordedSweeps: SweepRun[];
  #nextRecordedSweep = 0;
  #nextSweep: PendingSweep | null = null;
  #lastInstant = '';
  #order = 0;
  readonly counts: SimulationOutcome['counts'] = {
    events: 0,
    itemEvents: 0,
    evaluatedItemEvents: 0,
    sweeps: 0,
    recordedSweeps: 0,
    cadenceSweeps: 0,
    evaluations: 0,
  };

  constructor(input: SimulationInput) {
    this.#ruleSet = input.ruleSet;
    this.#from = input.from;
    this.#to = input.to;
    this.#campaignId = input.campaignId;
    this.#explainAt = input.recordedIssueTriggers;
    this.#exhaustive = input.exhaustive === true;
    this.#horizon = planHorizon(input.ruleSet);
    this.#responseDeadlines = input.ruleSet.rules.flatMap((rule) =>
      rule.actions.flatMap((a) => (a.type === 'escalate' && a.deadlineMs !== null ? [a.deadlineMs] : [])),
    );
    this.#fromMs = input.from === null ? -Infinity : iso(input.from);
    this.#toMs = input.to === null ? Infinity : iso(input.to);
    this.#recordedSweeps = [...input.recordedSweeps].sort((a, b) => a.ranAt.localeCompare(b.ranAt));
  }

  /** Epoch ms of an event's instant, remembered for the last one (each event asks several times). */
  #eventMs(at: string): number {
    if (at !== this.#eventInstant) {
      this.#eventInstant = at;
      this.#eventInstantMs = iso(at);
    }
    return this.#eventInstantMs;
  }

  #inWindow(at: string): boolean {
    const t = this.#eventMs(at);
    return t >= this.#fromMs && t <= this.#toMs;
  }

  consume(event: HistoryEvent): void {
    this.counts.events++;
    if (this.#pendingItemEvent && !this.#isCorrectionVoidOf(event, this.#pendingItemEvent.event))
      this.#flushItemEvent();
    while (this.#nextSweep && this.#sweepPrecedes(this.#nextSweep, event)) this.#runSweep();
    if (event.occurredAt > this.#lastInstant) this.#lastInstant = event.occurredAt;
    if (event.streamType === 'campaign') this.#campaignEvent(event);
    else if (event.streamType === 'item') this.#itemEvent(event);
    else if (event.streamType === 'escalation') this.#escalationEvent(event);
  }

  finish(): SimulationOutcome {
    if (this.#pendingItemEvent) this.#flushItemEvent();
    const last = this.#recordedSweeps[this.#recordedSweeps.length - 1]?.ranAt ?? '';
    const end = this.#to ?? (last > this.#lastInstant ? last : this.#lastInstant);
    while (this.#nextSweep && iso(this.#nextSweep.ranAt) <= iso(end)) this.#runSweep();
    return {
      campaignId: this.#campaignId,
      window: { from: this.#from, to: this.#to ?? (end || null) },
      counts: this.counts,
      simulated: this.#simulated,
      recorded: this.#recorded,
      items: new Map([...this.#items].map(([id, item]) => [id, { unitId: item.unitId }])),
      tags: { simulated: this.#simTags, recorded: this.#recordedTags },
      failures: [...this.#failures.values()],
    };
  }

  // ── sweeps ─────────────────────────────────────────────────────────────────────────────────────────

  /**
   * The sweeps to run: those the scheduler ran (at the instant it ran them), then — after the last one, or
   * from the campaign's start when none is recorded — the daily cadence (00:00 CST), as the scheduler would.
   */
  #advanceSweep(after: string): void {
    const recorded = this.#recordedSweeps[this.#nextRecordedSweep];
    if (recorded) {
      this.#nextRecordedSweep++;
      this.#nextSweep = { ...recorded, recorded: true };
      return;
    }
    const dueAt = nextSweepAfter(after);
    this.#nextSweep = { dueAt, ranAt: dueAt, recorded: false };
  }

  /**
   * Where a sweep falls among the events: before its own effects (escalations with its clock tick), before
   * anything later, and among events of the same instant after the deadlines due before it (the scheduler
   * fires due jobs in due order).
   */
  #sweepPrecedes(sweep: PendingSweep, event: HistoryEvent): boolean {
    const ran = (sweep.ranAtMs ??= iso(sweep.ranAt));
    if (event.streamType === 'escalation' && event.sequence === 1) {
      const trigger = event.payload.trigger as EscalationTrigger | undefined;
      if (trigger?.kind === 'clock' && iso(trigger.tick) === ran) return true;
    }
    const at = this.#eventMs(event.occurredAt);
    if (at !== ran) return at > ran;
    if (event.actorId !== SCHEDULER_ACTOR_ID) return false;
    const due = iso(event.payload.deadline ?? event.payload.dueAt);
    return due > iso(sweep.dueAt);
  }

  /** Merges the items registered since the last sweep into the sweep order (by item id). */
  #sortNewItems(): void {
    if (this.#unsortedItems.length === 0) return;
    const fresh = this.#unsortedItems.sort(byItemId);
    this.#unsortedItems = [];
    const old = this.#sweepOrder;
    const merged: SimItem[] = new Array(old.length + fresh.length);
    let i = 0;
    let j = 0;
    for (let k = 0; k < merged.length; k++)
      merged[k] =
        j >= fresh.length || (i < old.length && byItemId(old[i]!, fresh[j]!) < 0) ? old[i++]! : fresh[j++]!;
    this.#sweepOrder = merged;
  }

  #runSweep(): void {
    const sweep = this.#nextSweep!;
    if (this.#pendingItemEvent) this.#flushItemEvent();
    this.counts.sweeps++;
    if (sweep.recorded) this.counts.recordedSweeps++;
    else this.counts.cadenceSweeps++;
    if (this.#inWindow(sweep.ranAt)) {
      this.#lastEvaluations = new Map();
      const tick = sweep.ranAt;
      this.#sortNewItems();
      const trigger: EscalationTrigger = { kind: 'clock', tick };
      const key = triggerKey(trigger);
      const tickMs = this.#instantMs(tick);
      for (const item of this.#sweepOrder) {
        if (!SWEPT_STATES.has(item.state.value)) continue;
        if (this.#sweepCanSkip(item, tick, tickMs, key)) this.counts.evaluations++;
        else this.#evaluate(item, tick, trigger, key);
      }
    }
    // The scheduler plans the next sweep only while the campaign has not finished.
    if (this.#campaign?.value === 'finished' && this.#nextRecordedSweep >= this.#recordedSweeps.length)
      this.#nextSweep = null;
    else this.#advanceSweep(sweep.ranAt);
  }

  // ── the campaign ───────────────────────────────────────────────────────────────────────────────────

  #campaignEvent(event: HistoryEvent): void {
    if (event.streamId !== this.#campaignId) return;
    if (event.sequence === 1) {
      this.#campaignVersion = event.machineVersion;
      const started = start(definitionFor('campaign', event.machineVersion), event.payload);
      if (!started.ok) throw new Error(`campaign ${event.streamId}: ${started.rejection.message}`);
      this.#campaign = started.state;
      this.#campaignChanges++;
      this.#advanceSweep((started.state.context as CampaignContext).createdAt ?? event.occurredAt);
      return;
    }
    if (!this.#campaign) return;
    if (event.type === 'MIGRATED') {
      const { fromVersion, toVersion } = event.payload as { fromVersion?: number; toVersion?: number };
      const mapped = migrationFor('campaign', Number(fromVersion), Number(toVersion))?.map(this.#campaign);
      if (!mapped?.ok) throw new Error(`campaign ${event.streamId}: cannot migrate to v${toVersion}`);
      this.#campaign = mapped.state;
      this.#campaignChanges++;
      this.#campaignVersion = event.machineVersion;
      return;
    }
    const result = step(definitionFor('campaign', this.#campaignVersion), this.#campaign, {
      ...event.payload,
      type: event.type,
    } as { type: string; at: string });
    if (!result.ok) throw new Error(`campaign ${event.streamId}: ${result.rejection.message}`);
    this.#campaign = result.state;
    this.#campaignChanges++;
    if (event.type === 'REPORT_DUE' && this.#inWindow(event.occurredAt)) this.#evaluateUnits(event);
    if (event.type === 'START_LOOK_BACK_ROUND')
      this.#lookBackRound = { at: event.occurredAt, actorId: event.actorId };
  }

  // ── items ──────────────────────────────────────────────────────────────────────────────────────────

  #itemEvent(event: HistoryEvent): void {
    this.counts.itemEvents++;
    const inWindow = this.#inWindow(event.occurredAt);
    let item = this.#items.get(event.streamId);
    if (event.actorId === RULES_ACTOR_ID && inWindow) {
      // The recorded rules' own tags and suppressions: the candidate's take their place.
      if (event.type === 'ADD_TAG')
        this.#recordedTags.push({
          itemId: event.streamId,
          tag: String(event.payload.tag),
          at: event.occurredAt,
          ruleId: null,
        });
      return;
    }
    if (!item) {
      if (event.sequence !== 1) return;
      item = {
        itemId: event.streamId,
        state: null as never,
        unitId: '',
        overdue: false,
        version: 0,
        factsBase: null,
        itemFacts: null,
        around: null,
        quiet: null,
        escalationChanges: 0,
        unit: null,
      };
      this.#items.set(event.streamId, item);
      this.#unsortedItems.push(item);
      this.#moveItem(item, startItem(event.payload as unknown as ItemInput, event.machineVersion));
    } else {
      this.#moveItem(item, stepItem(item.state, event));
    }
    const derived =
      event.actorId === RULES_ACTOR_ID ||
      (event.type === 'START_LOOK_BACK' &&
        this.#lookBackRound?.at === event.occurredAt &&
        this.#lookBackRound.actorId === event.actorId);
    if (!derived && inWindow) this.#pendingItemEvent = { item, event };
  }

  /** Approving a correction voids escalations before the rules run again (corrections hook first). */
  #isCorrectionVoidOf(event: HistoryEvent, itemEvent: HistoryEvent): boolean {
    if (event.streamType !== 'escalation' || event.type !== 'VOID') return false;
    const correction = event.payload.correction as { itemId?: string; sequence?: number } | undefined;
    return correction?.itemId === itemEvent.streamId && correction.sequence === itemEvent.sequence;
  }

  #flushItemEvent(): void {
    const { item, event } = this.#pendingItemEvent!;
    this.#pendingItemEvent = null;
    this.counts.evaluatedItemEvents++;
    this.#lastEvaluations = new Map();
    const trigger: EscalationTrigger = {
      kind: 'event',
      streamId: event.streamId,
      sequence: event.sequence,
      eventType: event.type,
    };
    this.#evaluate(item, event.occurredAt, trigger, triggerKey(trigger));
  }

  /** Moves an item to a new state, keeping its unit's counts as the `streams` table would hold them. */
  #moveItem(item: SimItem, next: ItemReplayState): void {
    const before = item.state as ItemReplayState | null;
    const unitBefore = item.unitId;
    const projection = definitionFor('item', next.machineVersion).project(next.value, next.context as never);
    // What the item contributes to its unit's counts depends only on its state, unit and overdue mark.
    const recount =
      !before ||
      before.value !== next.value ||
      projection.unitId !== unitBefore ||
      projection.overdue !== item.overdue;
    if (before && recount) this.#tally(item, -1);
    item.state = next;
    item.version++;
    item.factsBase = null;
    item.itemFacts = null;
    item.unitId = projection.unitId;
    item.overdue = projection.overdue;
    if (recount) this.#tally(item, +1);
    // Complaints count across the unit's items (单位.投诉数): keep each item's list under its current unit.
    const complaints = next.context.complaints;
    const complaintsBefore = before?.context.complaints ?? [];
    if (unitBefore === item.unitId && complaintsBefore === complaints) return;
    const unit = this.#units.get(item.unitId)!;
    unit.facts = null;
    // The common case — one more complaint on an item that stays in its unit — keeps the unit's sorted list
    // by one insertion instead of sorting every complaint of the unit again.
    if (
      unitBefore === item.unitId &&
      complaints.length === complaintsBefore.length + 1 &&
      unit.sortedComplaints !== null
    ) {
      unit.complaints.set(item.itemId, complaints);
      const added = complaints[complaints.length - 1]!;
      const sorted = unit.sortedComplaints;
      let at = sorted.length;
      while (at > 0 && sorted[at - 1]! > added) at--;
      sorted.splice(at, 0, added);
      return;
    }
    if (complaintsBefore.length > 0) {
      const old = this.#units.get(unitBefore)!;
      old.facts = null;
      old.complaints.delete(item.itemId);
      old.sortedComplaints = null;
    }
    if (complaints.length > 0) {
      unit.complaints.set(item.itemId, complaints);
      unit.sortedComplaints = null;
    }
  }

  #tally(item: SimItem, sign: 1 | -1): void {
    let unit = this.#units.get(item.unitId);
    if (!unit) {
      unit = {
        open: 0,
        overdue: 0,
        rectified: 0,
        complaints: new Map(),
        sortedComplaints: [],
        facts: null,
        factsCampaignVersion: 0,
        escalationChanges: 0,
      };
      this.#units.set(item.unitId, unit);
    }
    item.unit = unit;
    unit.facts = null;
    // What the head contributes to `unit_item_counts`, the projection the live rules read.
    const counted = itemContribution({
      streamType: 'item',
      state: item.state.value,
      campaignId: this.#campaignId,
      unitId: item.unitId,
      overdue: item.overdue,
      context: null,
    })!;
    unit.open += sign * counted.open;
    unit.overdue += sign * counted.overdue;
    unit.rectified += sign * counted.rectified;
  }

  #unitFacts(unitId: string) {
    const unit = this.#units.get(unitId)!;
    unit.sortedComplaints ??= [...unit.complaints.values()].flat().sort();
    return {
      id: unitId,
      openCount: unit.open,
      overdueCount: unit.overdue,
      rectifiedCount: unit.rectified,
      complaintTimes: unit.sortedComplaints,
    };
  }

  /** The unit facts an item's rules read, kept until the unit or the campaign changes. */
  #cachedUnitFacts(unitId: string, campaign: { state: string; context: CampaignContext }): UnitFacts {
    const unit = this.#units.get(unitId)!;
    if (unit.facts && unit.factsCampaignVersion === this.#campaignChanges) return unit.facts;
    unit.facts = unitRuleFacts({ campaign, unit: this.#unitFacts(unitId) }, unitId);
    unit.factsCampaignVersion = this.#campaignChanges;
    return unit.facts;
  }

  /** The escalations around an item and what the decision reads of them, kept until one of them changes. */
  #around(item: SimItem): Around {
    const itemEscalations = item.escalationChanges;
    const unitEscalations = item.unit!.escalationChanges;
    const cached = item.around;
    if (
      cached &&
      cached.itemEscalations === itemEscalations &&
      cached.unitEscalations === unitEscalations &&
      cached.unitId === item.unitId
    )
      return cached;
    const escalations = this.#escalationsAround(item);
    item.around = {
      itemEscalations,
      unitEscalations,
      unitId: item.unitId,
      escalations,
      open: openEscalations(escalations),
      history: itemHistory(escalations, item.itemId),
    };
    return item.around;
  }

  /** Records that an escalation was added or changed state: what is cached around its item and unit is stale. */
  #escalationChanged(escalation: SimEscalation): void {
    const { itemId, target } = escalation.context;
    const item = itemId ? this.#items.get(itemId) : undefined;
    if (item) item.escalationChanges++;
    // A unit without items has no tally, and no item whose escalations around are cached.
    const unit = UNIT_TARGETS.has(target.kind) ? this.#units.get(target.id) : undefined;
    if (unit) unit.escalationChanges++;
  }

  /** The item's rule facts at `at` (epoch ms `now`), from what is cached of the item, its unit and campaign. */
  #factsOf(item: SimItem, around: Around, at: string, now: number): RuleFacts {
    const campaign = this.#campaign!;
    const campaignView = { state: campaign.value, context: campaign.context as CampaignContext };
    item.factsBase ??= itemFactsBase(item.state.value, item.state.context);
    let itemFacts = item.itemFacts;
    if (
      !itemFacts ||
      itemFacts.daysOverdue !== daysOverdueAt(item.factsBase, now) ||
      itemFacts.daysInState !== daysInStateAt(item.factsBase, now)
    )
      itemFacts = item.itemFacts = itemFactsAt(item.factsBase, now);
    return {
      item: itemFacts,
      unit: this.#cachedUnitFacts(item.unitId, campaignView),
      campaign: this.#campaignFactsAt(at, campaignView),
      history: around.history,
    };
  }

  /** The campaign's facts at `at`, kept for the instant last asked while the campaign is unchanged. */
  #campaignFactsAt(at: string, campaign: { state: string; context: CampaignContext }): CampaignFacts {
    if (this.#campaignFactsInstant !== at || this.#campaignFactsVersion !== this.#campaignChanges) {
      this.#campaignFacts = campaignFactsFor(campaign.state, campaign.context, at);
      this.#campaignFactsInstant = at;
      this.#campaignFactsVersion = this.#campaignChanges;
    }
    return this.#campaignFacts!;
  }

  /** The escalations on the item and on its unit, in the order they were issued (as the issuer reads them). */
  #escalationsAround(item: SimItem): SimEscalation[] {
    const own = this.#byItem.get(item.itemId);
    const unit = this.#byUnitTarget.get(item.unitId);
    if (!unit) return own ?? [];
    if (!own) return unit;
    const seen = new Set(own);
    return [...own, ...unit.filter((e) => !seen.has(e))].sort((a, b) => a.order - b.order);
  }

  // ── evaluation: the issuer's steps on the simulated world ─────────────────────────────────────────

  /**
   * One evaluation of the candidate on an item (`key`: the trigger's key). The rules are matched on the
   * item's facts every time; when none holds, or the same ones hold as at the item's last full evaluation
   * that changed nothing (`#unchangedOutcome`), the outcome is known to change nothing and is not built
   * again — unless this evaluation must be kept to explain a recorded escalation.
   */
  #evaluate(item: SimItem, at: string, trigger: EscalationTrigger, key: string): void {
    const campaign = this.#campaign;
    if (!campaign || !ruleSetCanFire(this.#ruleSet, item.state.value)) return;
    this.counts.evaluations++;
    const now = this.#instantMs(at);
    if (this.#exhaustive || Number.isNaN(now)) return this.#evaluateUncached(item, at, trigger, key);
    const around = this.#around(item);
    const facts = this.#factsOf(item, around, at, now);
    const c: EvalContext = { f: facts, now };
    const matchFailures: RuleFailure[] = [];
    const fired = matchRules(this.#ruleSet, c, matchFailures);
    const kept = this.#kept(item, key);
    if (!kept && matchFailures.length === 0) {
      if (fired.length === 0 || this.#unchangedOutcome(item, around, fired, now)) {
        this.#rememberQuiet(item, around, fired, c);
        return;
      }
    }
    const { decision, failures } = decideSafely(this.#ruleSet, c, at, fired, matchFailures);
    const changed = this.#applyDecision(item, at, trigger, key, facts, around.open, decision, failures, kept);
    if (changed || decision === null || failures.length > 0) item.quiet = null;
    else this.#rememberQuiet(item, around, fired, c);
  }

  /** Whether this evaluation is kept to explain a recorded escalation issued there (all are, without a list). */
  #kept(item: SimItem, key: string): boolean {
    return !this.#explainAt || (this.#explainAt.size > 0 && this.#explainAt.has(`${item.itemId}|${key}`));
  }

  /** Remembers an evaluation of the item that changed nothing (see QuietOutcome). */
  #rememberQuiet(item: SimItem, around: Around, fired: readonly CompiledRule[], c: EvalContext): void {
    const quiet = item.quiet;
    const unitAtoms = unitSignature(this.#horizon, c);
    if (!quiet) {
      item.quiet = {
        itemVersion: item.version,
        around,
        fired,
        now: c.now,
        facts: c.f,
        unitSignature: unitAtoms,
        horizon: undefined,
      };
      return;
    }
    quiet.itemVersion = item.version;
    quiet.around = around;
    quiet.fired = fired;
    quiet.now = c.now;
    quiet.facts = c.f;
    quiet.unitSignature = unitAtoms;
    quiet.horizon = undefined;
  }

  /**
   * Whether a sweep at `tickMs` can count the item as evaluated without evaluating it: its last evaluation
   * changed nothing, the item and the escalations around it are unchanged since, the unit and campaign
   * atoms have the same values, no rule of its state can change value before `tickMs` with time alone
   * (simulation-horizon.ts), and the evaluation is not kept to explain a recorded escalation. Then the same
   * rules hold as then and the outcome changes nothing again.
   */
  #sweepCanSkip(item: SimItem, tick: string, tickMs: number, key: string): boolean {
    const quiet = item.quiet;
    if (this.#exhaustive || !quiet || quiet.itemVersion !== item.version || !this.#explainAt) return false;
    if (Number.isNaN(tickMs) || quiet.unitSignature === null || quiet.around !== this.#around(item))
      return false;
    if (this.#kept(item, key)) return false;
    if (quiet.horizon === undefined) {
      const base = item.factsBase!;
      const rules = this.#ruleSet.byState.get(item.state.value) ?? this.#ruleSet.rules;
      quiet.horizon = itemHorizon(
        this.#horizon,
        rules,
        { f: quiet.facts, now: quiet.now },
        { daysOverdue: base.deadlineMs, daysInState: base.enteredMs },
      );
    }
    if (tickMs >= quiet.horizon) return false;
    if (quiet.fired.length > 0 && !this.#responseDeadlinesRepresentable(tickMs)) return false;
    return this.#sweepUnitSignature(item.unitId, tick, tickMs) === quiet.unitSignature;
  }

  /** The unit and campaign atoms' values for a unit at a sweep, computed once per unit and sweep. */
  #sweepUnitSignature(unitId: string, tick: string, tickMs: number): string | null {
    const campaign = this.#campaign!;
    const campaignView = { state: campaign.value, context: campaign.context as CampaignContext };
    const unit = this.#cachedUnitFacts(unitId, campaignView);
    const known = this.#sweepSignatures.get(unitId);
    if (known && known.unit === unit && known.tick === tick) return known.signature;
    const facts = { unit, campaign: this.#campaignFactsAt(tick, campaignView) } as RuleFacts;
    const signature = unitSignature(this.#horizon, { f: facts, now: tickMs });
    this.#sweepSignatures.set(unitId, { unit, tick, signature });
    return signature;
  }

  /**
   * The evaluation without caches or shortcuts, as the live issuer runs it (also for an instant the evaluator
   * refuses: it fails as live evaluation does).
   */
  #evaluateUncached(item: SimItem, at: string, trigger: EscalationTrigger, key: string): void {
    const campaign = this.#campaign!;
    const escalations = this.#escalationsAround(item);
    const around = {
      campaign: { state: campaign.value, context: campaign.context as CampaignContext },
      unit: this.#unitFacts(item.unitId),
      escalations,
    };
    const facts = itemRuleFacts(
      { state: item.state.value, context: item.state.context, unitId: item.unitId },
      around,
      at,
    );
    const { decision, failures } = evaluateSafely(this.#ruleSet, facts, at);
    const kept = this.#kept(item, key);
    this.#applyDecision(
      item,
      at,
      trigger,
      key,
      facts,
      openEscalations(escalations),
      decision,
      failures,
      kept,
    );
    item.quiet = null;
  }

  /**
   * Whether the rules that hold now are those of the item's last full evaluation that changed nothing, with
   * the item and the escalations around it unchanged since: then this outcome changes nothing either. The
   * response deadlines (the only part that moves with the instant) must still be representable instants, or
   * building the orders would fail.
   */
  #unchangedOutcome(item: SimItem, around: Around, fired: readonly CompiledRule[], now: number): boolean {
    const quiet = item.quiet;
    if (!quiet || quiet.itemVersion !== item.version || quiet.around !== around) return false;
    if (quiet.fired.length !== fired.length) return false;
    for (let i = 0; i < fired.length; i++) if (quiet.fired[i] !== fired[i]) return false;
    return this.#responseDeadlinesRepresentable(now);
  }

  #responseDeadlinesRepresentable(now: number): boolean {
    for (const deadline of this.#responseDeadlines) {
      const at = now + deadline;
      if (!Number.isFinite(at) || Math.abs(at) > 8.64e15) return false;
    }
    return true;
  }

  /** Epoch ms of an evaluation instant (the evaluator's own parse), remembered for the instant last asked. */
  #instantMs(at: string): number {
    if (at !== this.#instantText) {
      this.#instantText = at;
      this.#instantValue = parseInstant(at);
    }
    return this.#instantValue;
  }

  /**
   * What the live issuer does with a decision, on the simulated world: de-duplicate against the open
   * escalations, add fresh tags, issue what no heavier open escalation covers. Returns whether anything
   * changed (failures counted, a tag added or an escalation issued).
   */
  #applyDecision(
    item: SimItem,
    at: string,
    trigger: EscalationTrigger,
    key: string,
    facts: RuleFacts,
    open: readonly EscalationRecord[],
    decision: Decision | null,
    failures: readonly RuleFailure[],
    kept: boolean,
  ): boolean {
    for (const failure of failures) this.#countFailure(failure, item.itemId, at);
    const evaluation: Evaluation = {
      at,
      trigger: key,
      facts,
      decision,
      failure: decision ? null : (failures[0]?.message ?? 'failed'),
      underHeavier: [],
      issued: [],
    };
    if (kept) this.#lastEvaluations.set(item.itemId, evaluation);
    if (!decision) return failures.length > 0;
    let changed = failures.length > 0;
    const deduped = withoutOpen(decision, open);
    evaluation.decision = deduped;
    for (const tag of freshTags(deduped, item.state.context)) {
      if (!itemAccepts(item.state, 'ADD_TAG')) continue;
      const ruleId = deduped.tags.find((t) => t.tag === tag)?.ruleId ?? null;
      this.#moveItem(
        item,
        stepItem(item.state, {
          type: 'ADD_TAG',
          payload: { tag, at },
          machineVersion: item.state.machineVersion,
        }),
      );
      this.#simTags.push({ itemId: item.itemId, tag, at, ruleId });
      changed = true;
    }
    const { toIssue, underHeavier } = splitOrders(deduped, open);
    evaluation.underHeavier = underHeavier;
    for (const order of toIssue) evaluation.issued.push(this.#issue(item, order, deduped, open, at, trigger));
    return changed || toIssue.length > 0;
  }

  #issue(
    item: { itemId: string | null; unitId: string },
    order: EscalationOrder,
    decision: Decision,
    open: readonly EscalationRecord[],
    at: string,
    trigger: EscalationTrigger,
  ): SimEscalation {
    for (const lighter of lighterOpen(order, open)) {
      lighter.state = 'steppedUp';
      this.#escalationChanged(lighter as SimEscalation);
    }
    const escalation: SimEscalation = {
      streamId: `simulated-${this.#simulated.length + 1}`,
      state: 'issued',
      origin: 'simulated',
      order: this.#order++,
      trigger,
      provenance: decision.fired.find((f) => f.ruleId === order.ruleId) ?? null,
      twin: null,
      context: {
        campaignId: this.#campaignId,
        itemId: item.itemId,
        unitId: item.unitId,
        measure: order.measure,
        target: order.target,
        respondBy: order.respondBy,
        reason: order.reason,
        ruleId: order.ruleId,
        ruleTitle: order.ruleTitle,
        ruleSetId: order.ruleSetId,
        ruleSetVersion: order.ruleSetVersion,
        issuedAt: at,
        trigger,
      } as EscalationContext,
    };
    this.#simulated.push(escalation);
    this.#addToWorld(escalation);
    const key = twinKey(item.itemId, order.ruleId, order.target);
    const recorded = this.#unpairedRecorded.get(key)?.shift();
    if (recorded) this.#pair(escalation, recorded);
    else push(this.#unpairedSimulated, key, escalation);
    return escalation;
  }

  #pair(simulated: SimEscalation, recorded: RecordedEscalation): void {
    simulated.twin = recorded;
    recorded.twin = simulated;
  }

  #addToWorld(escalation: SimEscalation): void {
    this.#escalationChanged(escalation);
    const { itemId, target } = escalation.context;
    if (itemId) push(this.#byItem, itemId, escalation);
    if (UNIT_TARGETS.has(target.kind)) push(this.#byUnitTarget, target.id, escalation);
  }

  #countFailure(failure: RuleFailure, itemId: string, at: string): void {
    const key = `${failure.ruleId}|${failure.stage}`;
    const known = this.#failures.get(key);
    if (known) known.count++;
    else this.#failures.set(key, { ...failure, count: 1, firstAt: at, itemId });
  }

  // ── unit subjects (unit-decision.ts) ────────────────────────────────────────────────────────────────

  /**
   * After a REPORT_DUE, each unit that missed it is judged by the candidate's unit-subject rules at the due
   * event's instant, as the live rules hook does — units with no open item too; what they decide is issued
   * with `itemId` null and compared with the recorded unit-subject escalations like any other.
   */
  #evaluateUnits(event: HistoryEvent): void {
    const campaign = this.#campaign!;
    const context = campaign.context as CampaignContext;
    const at = event.occurredAt;
    const trigger: EscalationTrigger = {
      kind: 'event',
      streamId: event.streamId,
      sequence: event.sequence,
      eventType: event.type,
    };
    this.#lastEvaluations = new Map();
    for (const unitId of unitsThatMissed(context, String(event.payload.dueAt))) {
      // A unit with no item has no counts (no `unit_item_counts` row live): zeros.
      const unit = this.#units.has(unitId)
        ? this.#unitFacts(unitId)
        : { id: unitId, openCount: 0, overdueCount: 0, rectifiedCount: 0, complaintTimes: [] };
      const around = this.#byUnitTarget.get(unitId) ?? [];
      const state = { state: campaign.value, context };
      const evaluated = evaluateUnitSubjectSafely(this.#ruleSet, state, unit, around, at);
      if (!evaluated) return; // no rule applies to a unit alone
      this.counts.evaluations++;
      const subject = `unit:${unitId}`;
      for (const failure of evaluated.failures) this.#countFailure(failure, subject, at);
      const { decision, open, facts } = evaluated;
      const evaluation: Evaluation = {
        at,
        trigger: triggerKey(trigger),
        facts,
        decision,
        failure: decision ? null : (evaluated.failures[0]?.message ?? 'failed'),
        underHeavier: [],
        issued: [],
      };
      this.#lastEvaluations.set(subject, evaluation);
      for (const order of decision?.escalations ?? [])
        evaluation.issued.push(this.#issue({ itemId: null, unitId }, order, decision!, open, at, trigger));
    }
  }

  // ── recorded escalations ───────────────────────────────────────────────────────────────────────────

  #escalationEvent(event: HistoryEvent): void {
    if (event.sequence === 1) return this.#recordedIssue(event);
    const world = this.#worldById.get(event.streamId);
    const recorded = this.#recordedById.get(event.streamId);
    const closes = event.type === 'LIFT' ? 'lifted' : event.type === 'VOID' ? 'voided' : null;
    if (world) {
      if (closes) world.state = closes;
      else if (event.type === 'STEP_UP' && !this.#inWindow(event.occurredAt)) world.state = 'steppedUp';
      this.#escalationChanged(world);
    } else if (recorded?.twin && closes) {
      recorded.twin.state = closes;
      this.#escalationChanged(recorded.twin);
    }
  }

  #recordedIssue(event: HistoryEvent): void {
    const payload = event.payload as unknown as EscalationContext & { at: string; escalationId?: string };
    const context = { ...payload, issuedAt: payload.at } as EscalationContext;
    const issued = iso(payload.at);
    if (this.#from !== null && issued < iso(this.#from)) {
      const escalation: SimEscalation = {
        streamId: event.streamId,
        state: 'issued',
        origin: 'recorded',
        order: this.#order++,
        trigger: payload.trigger,
        provenance: null,
        twin: null,
        context,
      };
      this.#worldById.set(event.streamId, escalation);
      this.#addToWorld(escalation);
      return;
    }
    if (this.#to !== null && issued > iso(this.#to)) return;
    const recorded: RecordedEscalation = {
      escalationId: event.streamId,
      context,
      twin: null,
      candidate: { outcome: 'notEvaluated' },
    };
    this.#recorded.push(recorded);
    this.#recordedById.set(event.streamId, recorded);
    const key = twinKey(context.itemId, context.ruleId, context.target);
    const simulated = this.#unpairedSimulated.get(key)?.shift();
    if (simulated) return this.#pair(simulated, recorded);
    push(this.#unpairedRecorded, key, recorded);
    recorded.candidate = this.#candidateView(recorded);
  }

  /** What the candidate decided at the evaluation that issued this recorded escalation. */
  #candidateView(recorded: RecordedEscalation): CandidateView {
    const { context } = recorded;
    const rule = this.#ruleSet.rules.find((r) => r.id === context.ruleId);
    if (!rule) return { outcome: 'ruleAbsent' };
    // A unit subject (no item) was evaluated as `unit:<id>`, by the unit-subject rules only (unit-decision.ts).
    if (!context.itemId && !unitSubjectRules(this.#ruleSet).includes(rule))
      return { outcome: 'notEvaluated' };
    const evaluation = this.#lastEvaluations.get(context.itemId ?? `unit:${context.unitId}`);
    if (!evaluation || evaluation.trigger !== triggerKey(context.trigger)) return { outcome: 'notEvaluated' };
    if (!evaluation.decision) return { outcome: 'ruleSetFailed', message: evaluation.failure ?? '' };
    const sameRule = (o: EscalationOrder) => o.ruleId === context.ruleId;
    const overridden = evaluation.decision.overridden.find((o) => sameRule(o.order));
    if (overridden)
      return {
        outcome: 'overridden',
        cause: overridden.cause,
        byRuleId: overridden.byRuleId,
        explanation: overridden.explanation,
      };
    const heavier = evaluation.underHeavier.find((u) => sameRule(u.order));
    if (heavier)
      return {
        outcome: 'underHeavier',
        heavierEscalationId: heavier.heavier.streamId,
        measure: heavier.heavier.context.measure,
      };
    const issued = evaluation.issued.find((e) => e.context.ruleId === context.ruleId);
    if (issued)
      return { outcome: 'issuedOtherwise', measure: issued.context.measure, target: issued.context.target };
    return { outcome: 'conditionFalse', facts: traceRuleAt(rule, evaluation.facts, evaluation.at) };
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
