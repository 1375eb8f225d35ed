import type { CompiledNode, EvalContext, Fn } from '../rules/compile-expression';
import type { CompiledRule, RuleFacts, RuleSet } from '../rules';

/**
 * How far ahead an item's rule outcome is known (what-if simulation, issue 10): when nothing about an item
 * changes but time, which sweeps can be skipped because no candidate rule can change its value before them.
 *
 * A condition is a tree of `且`/`或`/`非` over atoms; a rule's value changes only when an atom's does. Atoms
 * are sorted by what they read:
 * - item and history facts that do not move with time (state, tags, 已采取 …): fixed while the item and its
 *   escalations are (the caller checks both);
 * - unit and campaign facts only: evaluated again per unit at each sweep (`unitSignature`), cheap and exact;
 * - item facts that move with time — the day counts (超期天数/超期/停留天数/停留时长), windowed complaint counts,
 *   距上次: the earliest instant after `now` at which the atom could change (`itemHorizon`). A comparison of a
 *   day count or 距上次 with a value that does not move is monotone in time: the instant it flips is found by
 *   search on the exact comparison. Any other atom changes at most when one of its inputs does: the next
 *   whole day of a count, a complaint entering or leaving its window, or at once (距上次 outside a comparison);
 * - anything mixing unit or campaign facts with item facts: no bound (evaluated at every sweep).
 */

const DAY = 86_400_000;
/** Beyond this many days (or ms for 距上次) the search stops: no change is reachable. */
const SEARCH_LIMIT = 2 ** 40;

/** The item's day counts and the instants they are measured from (epoch ms; null: the count stays 0). */
type DayCount = 'daysOverdue' | 'daysInState';
export type DayAnchors = Readonly<Record<DayCount, number | null>>;

const DAY_FIELDS: Readonly<Record<string, DayCount>> = {
  days_overdue: 'daysOverdue',
  overdue: 'daysOverdue',
  days_in_state: 'daysInState',
  time_in_state: 'daysInState',
};

type Input =
  | { kind: 'day'; count: DayCount }
  | { kind: 'window'; times: (f: RuleFacts) => readonly string[]; span: Fn }
  | { kind: 'since' };

type Op = '<' | '<=' | '>' | '>=';

type Atom =
  | {
      kind: 'dayThreshold';
      op: Op;
      termOnLeft: boolean;
      count: DayCount;
      /** The fact's value for a count of n days. */
      value: (n: number) => unknown;
      /** The value of one day when the value is n × that (checked), else null. */
      scale: number | null;
      other: Fn;
    }
  | { kind: 'sinceThreshold'; op: Op; termOnLeft: boolean; term: Fn; other: Fn }
  | { kind: 'inputs'; inputs: Input[] };

/** A rule's atoms that move with time, or null when its value cannot be bounded (checked at every sweep). */
type RulePlan = readonly Atom[] | null;

/** The plan of a whole rule set, built once per simulation. */
export interface RuleSetHorizon {
  readonly rules: ReadonlyMap<CompiledRule, RulePlan>;
  /** Atoms over unit and campaign facts only. */
  readonly unitAtoms: readonly Fn[];
}

interface Reads {
  itemStatic: boolean;
  itemTime: boolean;
  unitOrCampaign: boolean;
  unsupported: boolean;
  inputs: Input[];
}

const reads = (): Reads => ({
  itemStatic: false,
  itemTime: false,
  unitOrCampaign: false,
  unsupported: false,
  inputs: [],
});

function collect(node: CompiledNode, into: Reads): void {
  const ir = node.ir;
  switch (ir.type) {
    case 'const':
      return;
    case 'field': {
      if (ir.field.scope !== 'item') into.unitOrCampaign = true;
      else if (DAY_FIELDS[ir.field.en]) {
        into.itemTime = true;
        into.inputs.push({ kind: 'day', count: DAY_FIELDS[ir.field.en]! });
      } else into.itemStatic = true;
      return;
    }
    case 'window': {
      const span = reads();
      for (const kid of node.kids) collect(kid, span);
      if (span.itemStatic || span.itemTime || span.unitOrCampaign || span.unsupported)
        into.unsupported = true;
      if (ir.field.scope !== 'item') into.unitOrCampaign = true;
      else if (!ir.field.window) into.unsupported = true;
      else {
        into.itemTime = true;
        into.inputs.push({ kind: 'window', times: ir.field.window.times, span: node.kids[0]!.fn });
      }
      return;
    }
    case 'call':
      if (ir.fn.code === 'issued' || ir.fn.code === 'timesIssued') into.itemStatic = true;
      else if (ir.fn.code === 'sinceIssued') {
        into.itemTime = true;
        into.inputs.push({ kind: 'since' });
      } else if (ir.fn.code !== 'days') into.unsupported = true;
      for (const kid of node.kids) collect(kid, into);
      return;
    default:
      for (const kid of node.kids) collect(kid, into);
  }
}

const ORDERED = new Set(['<', '<=', '>', '>=']);
const moves = (r: Reads) => r.itemTime || r.unitOrCampaign || r.unsupported;

/**
 * A day-count fact's value for n days: n (超期天数, 停留天数) or n days in ms (超期, 停留时长) — checked against the
 * fact's own read function on sample counts, else read through it.
 */
function dayValue(read: (f: RuleFacts) => unknown): {
  value: (n: number) => unknown;
  scale: number | null;
} {
  const at = (n: number) => read({ item: { daysOverdue: n, daysInState: n } } as unknown as RuleFacts);
  const samples = [0, 1, 7, 36_500];
  if (samples.every((n) => at(n) === n)) return { value: (n) => n, scale: 1 };
  if (samples.every((n) => at(n) === n * DAY)) return { value: (n) => n * DAY, scale: DAY };
  return { value: at, scale: null };
}

/**
 * Whether an ordered comparison with a term that only grows keeps its value for good: `term > k` once true,
 * `term < k` once false (and the mirrored forms); a NaN bound keeps every comparison false.
 */
function settled(op: Op, termOnLeft: boolean, holds: boolean, other: unknown): boolean {
  if (typeof other === 'number' && Number.isNaN(other)) return true;
  const grows = termOnLeft ? op === '>' || op === '>=' : op === '<' || op === '<=';
  return grows === holds;
}

/** A comparison of a monotone time term (day count, 距上次) with a side that does not move, if it is one. */
function threshold(node: CompiledNode): Atom | null {
  const ir = node.ir;
  if (ir.type !== 'compare' || !ORDERED.has(ir.op)) return null;
  const [left, right] = node.kids as [CompiledNode, CompiledNode];
  for (const [term, other, termOnLeft] of [
    [left, right, true],
    [right, left, false],
  ] as const) {
    const otherReads = reads();
    collect(other, otherReads);
    if (moves(otherReads)) continue;
    const t = term.ir;
    if (t.type === 'field' && t.field.scope === 'item' && DAY_FIELDS[t.field.en])
      return {
        kind: 'dayThreshold',
        op: ir.op as Op,
        termOnLeft,
        count: DAY_FIELDS[t.field.en]!,
        ...dayValue(t.field.read),
        other: other.fn,
      };
    if (t.type === 'call' && t.fn.code === 'sinceIssued')
      return { kind: 'sinceThreshold', op: ir.op as Op, termOnLeft, term: term.fn, other: other.fn };
  }
  return null;
}

/** Splits a rule's condition into atoms; false when one of them cannot be bounded. */
function planNode(node: CompiledNode, atoms: Atom[], unitAtoms: Fn[]): boolean {
  const type = node.ir.type;
  if (type === 'and' || type === 'or' || type === 'not')
    return node.kids.every((kid) => planNode(kid, atoms, unitAtoms));
  const r = reads();
  collect(node, r);
  if (r.unsupported) return false;
  if (r.unitOrCampaign) {
    if (r.itemStatic || r.itemTime) return false;
    unitAtoms.push(node.fn);
    return true;
  }
  if (!r.itemTime) return true;
  atoms.push(threshold(node) ?? { kind: 'inputs', inputs: r.inputs });
  return true;
}

/** Plans every rule of the set. */
export function planHorizon(ruleSet: RuleSet): RuleSetHorizon {
  const rules = new Map<CompiledRule, RulePlan>();
  const unitAtoms: Fn[] = [];
  for (const rule of ruleSet.rules) {
    const atoms: Atom[] = [];
    rules.set(rule, planNode(rule.condition, atoms, unitAtoms) ? atoms : null);
  }
  return { rules, unitAtoms };
}

/**
 * The values of the unit and campaign atoms on these facts (`c.f.item` is not read), as one string; null
 * when one of them fails (then nothing is skipped).
 */
export function unitSignature(horizon: RuleSetHorizon, c: EvalContext): string | null {
  let signature = '';
  try {
    for (const atom of horizon.unitAtoms) signature += atom(c) ? '1' : '0';
  } catch {
    return null;
  }
  return signature;
}

/**
 * The earliest instant after `c.now` at which one of `rules` could change its value, when the item and
 * its escalations stay as in `c.f` and its day counts move with time from `anchors`. `c.now + 1` when
 * unknown.
 */
export function itemHorizon(
  horizon: RuleSetHorizon,
  rules: readonly CompiledRule[],
  c: EvalContext,
  anchors: DayAnchors,
): number {
  let earliest = Infinity;
  for (const rule of rules) {
    const plan = horizon.rules.get(rule);
    if (!plan) return c.now + 1;
    for (const atom of plan) {
      const at = atomHorizon(atom, c, anchors);
      if (at < earliest) earliest = at;
      if (earliest <= c.now + 1) return c.now + 1;
    }
  }
  return earliest;
}

/** Whole days since the anchor at `t`, as item-facts.ts counts them; NaN when the anchor is not an instant. */
const countAt = (anchor: number | null, t: number): number =>
  anchor === null ? 0 : Math.max(0, Math.floor((t - anchor) / DAY));

function compare(op: Op, a: unknown, b: unknown): boolean {
  switch (op) {
    case '<':
      return (a as number) < (b as number);
    case '<=':
      return (a as number) <= (b as number);
    case '>':
      return (a as number) > (b as number);
    case '>=':
      return (a as number) >= (b as number);
  }
}

/** The smallest step k in [1, SEARCH_LIMIT] with flipped(k), for a predicate that stays true once true. */
function firstFlip(flipped: (k: number) => boolean): number {
  let hi = 1;
  while (!flipped(hi)) {
    if (hi >= SEARCH_LIMIT) return Infinity;
    hi *= 2;
  }
  let lo = hi / 2; // not flipped (or 0.5 when hi = 1)
  if (hi === 1) return 1;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (flipped(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

function atomHorizon(atom: Atom, c: EvalContext, anchors: DayAnchors): number {
  const now = c.now;
  switch (atom.kind) {
    case 'dayThreshold': {
      const anchor = anchors[atom.count];
      if (anchor === null || Number.isNaN(anchor)) return Infinity;
      const n0 = countAt(anchor, now);
      if (n0 !== c.f.item[atom.count]) return now + 1; // not counted as this plan assumes: no bound
      const other = atom.other(c);
      const holds = (n: number) => {
        const value = atom.value(n);
        return atom.termOnLeft ? compare(atom.op, value, other) : compare(atom.op, other, value);
      };
      const before = holds(n0);
      if (atom.scale !== null && settled(atom.op, atom.termOnLeft, before, other)) return Infinity;
      // Near the bound first (exact: the count just below must not flip), else search.
      if (atom.scale !== null && typeof other === 'number' && Number.isFinite(other)) {
        const near = Math.floor(other / atom.scale);
        for (let m = Math.max(n0 + 1, near - 1); m <= near + 2; m++)
          if (holds(m) !== before) {
            if (m - 1 === n0 || holds(m - 1) === before) return anchor + m * DAY;
            break;
          }
      }
      const step = firstFlip((k) => holds(n0 + k) !== before);
      return step === Infinity ? Infinity : anchor + (n0 + step) * DAY;
    }
    case 'sinceThreshold': {
      const since0 = atom.term(c) as number;
      if (Number.isNaN(since0)) return Infinity; // never issued: stays NaN while the history does
      const other = atom.other(c);
      const holds = (since: number) =>
        atom.termOnLeft ? compare(atom.op, since, other) : compare(atom.op, other, since);
      const before = holds(since0);
      if (settled(atom.op, atom.termOnLeft, before, other)) return Infinity;
      const step = firstFlip((k) => holds(since0 + k) !== before);
      return now + step;
    }
    case 'inputs': {
      let earliest = Infinity;
      for (const input of atom.inputs) {
        const at = inputHorizon(input, c, anchors);
        if (at < earliest) earliest = at;
      }
      return earliest;
    }
  }
}

function inputHorizon(input: Input, c: EvalContext, anchors: DayAnchors): number {
  const now = c.now;
  switch (input.kind) {
    case 'day': {
      const anchor = anchors[input.count];
      if (anchor === null || Number.isNaN(anchor)) return Infinity;
      const n0 = countAt(anchor, now);
      if (n0 !== c.f.item[input.count]) return now + 1;
      return anchor + (n0 + 1) * DAY;
    }
    case 'window': {
      const span = input.span(c) as number;
      if (Number.isNaN(span)) return Infinity; // nothing is ever inside [now - NaN, now]
      if (!Number.isFinite(span)) return now + 1;
      let earliest = Infinity;
      for (const time of input.times(c.f)) {
        const at = Date.parse(time);
        if (Number.isNaN(at)) continue;
        // Counted while now ∈ [at, at + span]: it enters at `at` and leaves just after `at + span`.
        if (at > now && at < earliest) earliest = at;
        const leaves = Math.floor(at + span) + 1;
        if (leaves > now && leaves < earliest) earliest = leaves;
      }
      return earliest;
    }
    case 'since':
      return now + 1;
  }
}
