import type { Decision } from './decision';
import { diagnostic, type Diagnostic } from './errors';
import { evaluate } from './evaluate';
import { measureLabel, targetLabel } from './vocabulary';
import type { ExampleExpectation, RuleExample, RuleSet } from './rule-set';
import type { SourceRange } from './source';

/** The outcome of one in-file example. */
export interface ExampleResult {
  readonly title: string;
  readonly range: SourceRange;
  readonly passed: boolean;
  /** Why it failed (expected vs actual), empty when it passed. */
  readonly failures: readonly string[];
  readonly decision: Decision;
}

/**
 * Runs the examples of a rule set (issue 3, item 7). Semantics: the final escalations must be exactly the
 * expected ones (`期望 无` = none); each expected suppression and tag must be present.
 */
export function runExamples(ruleSet: RuleSet): readonly ExampleResult[] {
  return ruleSet.examples.map((example) => runExample(ruleSet, example));
}

/** Diagnostics (ZR3001) for the failed examples, located at each example. */
export function exampleDiagnostics(results: readonly ExampleResult[], file: string): Diagnostic[] {
  return results
    .filter((r) => !r.passed)
    .map((r) =>
      diagnostic('ZR3001', r.range, { name: r.title, detail: r.failures.join('; ') }, undefined, file),
    );
}

function runExample(ruleSet: RuleSet, example: RuleExample): ExampleResult {
  const decision = evaluate(ruleSet, example.facts, example.at);
  const failures: string[] = [];
  const expectedEscalations = example.expect.filter((e) => e.type === 'escalate');
  const actual = decision.escalations.map((e) => `${e.measure}/${e.target.kind}`);
  const unmatched = [...decision.escalations];
  for (const expected of expectedEscalations) {
    const at = unmatched.findIndex(
      (e) =>
        e.measure === expected.measure &&
        e.target.kind === expected.target &&
        (expected.ruleId === undefined || e.ruleId === expected.ruleId),
    );
    if (at < 0)
      failures.push(`expected ${describe(expected)}, got ${actual.length ? actual.join(', ') : 'none'}`);
    else unmatched.splice(at, 1);
  }
  for (const extra of unmatched) {
    failures.push(
      `unexpected ${measureLabel(extra.measure, 'zh')} ${targetLabel(extra.target.kind, 'zh')} (${extra.measure}/${extra.target.kind}) from rule ${extra.ruleId}`,
    );
  }
  for (const expected of example.expect) {
    if (expected.type === 'suppress') {
      const found = decision.suppressions.some(
        (s) => expected.target === undefined || s.target === expected.target,
      );
      if (!found)
        failures.push(
          `expected ${describe(expected)}, got ${decision.suppressions.length ? decision.suppressions.map((s) => s.target).join(', ') : 'no suppression'}`,
        );
    } else if (expected.type === 'tag' && !decision.tags.some((t) => t.tag === expected.tag)) {
      failures.push(
        `expected ${describe(expected)}, got tags [${decision.tags.map((t) => t.tag).join(', ')}]`,
      );
    }
  }
  return { title: example.title, range: example.range, passed: failures.length === 0, failures, decision };
}

function describe(e: ExampleExpectation): string {
  switch (e.type) {
    case 'escalate':
      return `${measureLabel(e.measure, 'zh')} ${targetLabel(e.target, 'zh')} (${e.measure}/${e.target})${e.ruleId ? ` by ${e.ruleId}` : ''}`;
    case 'suppress':
      return `免除/suppress ${e.target ?? ''}`.trim();
    case 'tag':
      return `标记/tag ${e.tag}`;
  }
}
