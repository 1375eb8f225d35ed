import type { CompiledNode, EvalContext } from './compile-expression';
import type { ConditionTrace, FactRead, FiredRule } from './decision';
import { formatValue } from './format-value';
import type { IR } from './ir';
import type { CompiledRule } from './rule-set';
import { sliceRange } from './source';

const SCOPE_ZH = { item: '事项', unit: '单位', campaign: '行动' } as const;

/**
 * Provenance of a rule that fired: re-runs each sub-condition's own compiled closure (the same code the
 * decision used, so the explanation cannot disagree with it) and records the fact values read. Called only
 * for fired rules, so the sweep pays nothing for rules that did not fire.
 */
export function traceRule(rule: CompiledRule, c: EvalContext, source: string): FiredRule {
  const reads = new Map<string, FactRead>();
  const condition = traceNode(rule.condition, c, source, reads);
  return {
    ruleId: rule.id,
    title: rule.title,
    priority: rule.priority,
    source: rule.source,
    reads: [...reads.values()],
    condition,
  };
}

function traceNode(
  node: CompiledNode,
  c: EvalContext,
  source: string,
  all: Map<string, FactRead>,
): ConditionTrace {
  const ir = node.ir;
  const holds = node.fn(c) === true;
  const text = sliceRange(source, ir.range);
  if (ir.type === 'and' || ir.type === 'or' || ir.type === 'not') {
    const children = node.kids.map((kid) => traceNode(kid, c, source, all));
    return { text, range: ir.range, holds, reads: [], children };
  }
  const reads: FactRead[] = [];
  collectReads(node, c, source, reads);
  for (const read of reads) all.set(read.en, read);
  return { text, range: ir.range, holds, reads, children: [] };
}

/** Fact reads under a predicate: fields, windowed counts and history functions, with their values. */
function collectReads(node: CompiledNode, c: EvalContext, source: string, out: FactRead[]): void {
  const ir: IR = node.ir;
  if (ir.type === 'field') {
    const value = node.fn(c);
    const zh = `${SCOPE_ZH[ir.field.scope]}.${ir.field.zh}`;
    const en = `${ir.field.scope}.${ir.field.en}`;
    out.push({
      zh,
      en,
      value,
      text: { zh: formatValue(ir.ty, value, 'zh'), en: formatValue(ir.ty, value, 'en') },
    });
    return;
  }
  if (ir.type === 'window' || ir.type === 'call') {
    const value = node.fn(c);
    const text = sliceRange(source, ir.range);
    out.push({
      zh: text,
      en: text,
      value,
      text: { zh: formatValue(ir.ty, value, 'zh'), en: formatValue(ir.ty, value, 'en') },
    });
    return;
  }
  for (const kid of node.kids) collectReads(kid, c, source, out);
}
