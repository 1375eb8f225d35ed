import type { ConditionTrace, Decision } from './decision';
import { tagLabel } from './fact-enums';
import { formatValue } from './format-value';
import { measureLabel, targetLabel } from './vocabulary';

/** Words of the explanation in each language (labels of measures and targets come from the vocabulary). */
const WORDS = {
  zh: {
    header: (d: Decision) =>
      `规则集 ${d.ruleSetId} 第 ${d.ruleSetVersion} 版 · 事项 ${d.itemId} · 评估时间 ${d.evaluatedAt}`,
    fired: '命中规则：',
    noneFired: '没有规则命中。',
    priority: '优先级',
    source: '依据',
    orders: '处置：',
    deadline: '回复期限',
    reason: '理由',
    rule: '规则',
    suppressions: '免除：',
    all: '全部对象',
    tags: '标记：',
    overridden: '未下发：',
  },
  en: {
    header: (d: Decision) =>
      `rule set ${d.ruleSetId} version ${d.ruleSetVersion} · item ${d.itemId} · evaluated at ${d.evaluatedAt}`,
    fired: 'Rules fired:',
    noneFired: 'No rule fired.',
    priority: 'priority',
    source: 'source',
    orders: 'Escalations:',
    deadline: 'respond by',
    reason: 'reason',
    rule: 'rule',
    suppressions: 'Suppressions:',
    all: 'all targets',
    tags: 'Tags:',
    overridden: 'Not issued:',
  },
} as const;

/**
 * Renders a decision for people (supervisors, auditors): which rules fired, which sub-conditions held with
 * the fact values read, what is issued, and what was overridden and why. Chinese or English.
 */
export function explain(decision: Decision, lang: 'zh' | 'en' = 'zh'): string {
  const w = WORDS[lang];
  const lines: string[] = [w.header(decision)];
  if (decision.fired.length === 0) lines.push(w.noneFired);
  else lines.push(w.fired);
  for (const rule of decision.fired) {
    const source = rule.source ? ` · ${w.source} ${rule.source}` : '';
    lines.push(`  ● ${rule.ruleId} 「${rule.title}」 ${w.priority} ${rule.priority}${source}`);
    renderTrace(rule.condition, lang, 2, lines);
  }
  if (decision.escalations.length > 0) lines.push(w.orders);
  for (const order of decision.escalations) {
    const deadline = order.respondBy ? `, ${w.deadline} ${order.respondBy}` : '';
    lines.push(
      `  → ${measureLabel(order.measure, lang)} ${targetLabel(order.target.kind, lang)} (${order.target.id})${deadline}, ` +
        `${w.reason}: ${order.reason} [${w.rule} ${order.ruleId}]`,
    );
  }
  if (decision.suppressions.length > 0) lines.push(w.suppressions);
  for (const s of decision.suppressions) {
    const target = s.target === 'all' ? w.all : targetLabel(s.target, lang);
    lines.push(`  ⊘ ${target}, ${w.reason}: ${s.reason} [${w.rule} ${s.ruleId}]`);
  }
  if (decision.tags.length > 0)
    lines.push(`${w.tags} ${decision.tags.map((t) => tagLabel(t.tag, lang)).join(', ')}`);
  if (decision.overridden.length > 0) lines.push(w.overridden);
  for (const o of decision.overridden) {
    lines.push(
      `  × ${measureLabel(o.order.measure, lang)} ${targetLabel(o.order.target.kind, lang)} [${w.rule} ${o.order.ruleId}]: ${o.explanation[lang]}`,
    );
  }
  return lines.join('\n');
}

function renderTrace(trace: ConditionTrace, lang: 'zh' | 'en', depth: number, lines: string[]): void {
  const mark = trace.holds ? '✓' : '✗';
  const reads = trace.reads
    .map((r) => `${lang === 'zh' ? r.zh : r.en} = ${formatValue(r.type, r.value, lang)}`)
    .join('; ');
  lines.push(`${'  '.repeat(depth)}${mark} ${trace.text}${reads ? `   (${reads})` : ''}`);
  for (const child of trace.children) renderTrace(child, lang, depth + 1, lines);
}
