import type { CompiledNode, EvalContext, Fn } from './compile-expression';
import type { ConditionTrace, FactRead, FiredRule } from './decision';
import type { IR, Ty } from './ir';
import { sliceRange, type SourceRange } from './source';

const SCOPE_ZH = { item: '事项', unit: '单位', campaign: '行动' } as const;

/** A fact read under a predicate, prepared at compile time: names fixed, value read by its own closure. */
interface ReadPlan {
  readonly zh: string;
  readonly en: string;
  readonly type: Ty;
  readonly fn: Fn;
}

/**
 * How to explain one condition, built once per rule at compile time: the text and range of every boolean
 * sub-condition, its closure, and the fact reads beneath it. At run time tracing only calls closures.
 */
export interface TracePlan {
  readonly text: string;
  readonly range: SourceRange;
  readonly fn: Fn;
  readonly reads: readonly ReadPlan[];
  readonly children: readonly TracePlan[];
}

/** Builds the trace plan of a compiled condition. */
export function planTrace(node: CompiledNode, source: string): TracePlan {
  const ir = node.ir;
  const text = sliceRange(source, ir.range).replace(/\s+/g, ' ').trim();
  if (ir.type === 'and' || ir.type === 'or' || ir.type === 'not') {
    return {
      text,
      range: ir.range,
      fn: node.fn,
      reads: [],
      children: node.kids.map((kid) => planTrace(kid, source)),
    };
  }
  const reads: ReadPlan[] = [];
  collectReads(node, source, reads);
  return { text, range: ir.range, fn: node.fn, reads, children: [] };
}

/** A duration as written in a rule (`30 天`, `2 周`, `12 小时`) in the English shorthand (`30d`, `2w`, `12h`). */
function englishDuration(text: string): string {
  const units: Array<[RegExp, string]> = [
    [/\s*(天|日)/g, 'd'],
    [/\s*(周|星期)/g, 'w'],
    [/\s*小时/g, 'h'],
  ];
  return units.reduce((t, [pattern, unit]) => t.replace(pattern, unit), text.trim());
}

function collectReads(node: CompiledNode, source: string, out: ReadPlan[]): void {
  const ir: IR = node.ir;
  if (ir.type === 'field') {
    out.push({
      zh: `${SCOPE_ZH[ir.field.scope]}.${ir.field.zh}`,
      en: `${ir.field.scope}.${ir.field.en}`,
      type: ir.ty,
      fn: node.fn,
    });
    return;
  }
  if (ir.type === 'window') {
    // `事项.投诉数(30 天)` reads in English as `item.complaints(30d)`.
    const span = englishDuration(sliceRange(source, ir.window.range));
    out.push({
      zh: sliceRange(source, ir.range),
      en: `${ir.field.scope}.${ir.field.en}(${span})`,
      type: ir.ty,
      fn: node.fn,
    });
    return;
  }
  if (ir.type === 'call') {
    const text = sliceRange(source, ir.range);
    out.push({ zh: text, en: text, type: ir.ty, fn: node.fn });
    return;
  }
  for (const kid of node.kids) collectReads(kid, source, out);
}

/** What explaining a fired rule reads of it (a `CompiledRule` is one). */
export interface TracedRule {
  readonly id: string;
  readonly title: string;
  readonly priority: number;
  readonly source: string | null;
  readonly trace: TracePlan;
}

/**
 * Provenance of a rule that fired: runs each sub-condition's own compiled closure (the same code the
 * decision used, so the explanation cannot disagree with it) and records the fact values read. Called only
 * for fired rules, so a sweep pays nothing for rules that did not fire.
 */
export function traceRule(rule: TracedRule, c: EvalContext): FiredRule {
  const reads: FactRead[] = [];
  const condition = trace(rule.trace, c, reads);
  return {
    ruleId: rule.id,
    title: rule.title,
    priority: rule.priority,
    source: rule.source,
    reads,
    condition,
  };
}

function trace(plan: TracePlan, c: EvalContext, all: FactRead[]): ConditionTrace {
  const holds = plan.fn(c) === true;
  if (plan.children.length > 0) {
    const children = plan.children.map((child) => trace(child, c, all));
    return { text: plan.text, range: plan.range, holds, reads: [], children };
  }
  const reads = plan.reads.map((r): FactRead => ({ zh: r.zh, en: r.en, value: r.fn(c), type: r.type }));
  for (const read of reads) if (!all.some((seen) => seen.en === read.en)) all.push(read);
  return { text: plan.text, range: plan.range, holds, reads, children: [] };
}
