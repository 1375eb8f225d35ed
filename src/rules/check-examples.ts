import type { ExampleAst, Expr, GivenEntry } from './ast';
import { checkExpression, resolveField, type CheckContext } from './check-expression';
import { compileExpression } from './compile-expression';
import { enumValueOf, normalizeTag } from './fact-enums';
import { defaultFacts, type DraftFacts, type FieldSpec, type RuleFacts } from './facts';
import { formatInstant, parseInstant } from './instants';
import { T, typeName } from './ir';
import type { ExampleExpectation, RuleExample } from './rule-set';
import { keywordOf, measureOf, targetOf, type TargetKind } from './vocabulary';

/** Examples without `于/at` are evaluated at this instant, so they never depend on a clock. */
export const DEFAULT_EXAMPLE_INSTANT = '2023-06-01T09:00:00+08:00';

/** Checks an example and builds its facts (defaults + given-block); undefined after an error. */
export function checkExample(
  ctx: CheckContext,
  example: ExampleAst,
  ruleIds: ReadonlySet<string>,
): RuleExample | undefined {
  const before = ctx.diagnostics.length;
  const at = example.at?.value ?? DEFAULT_EXAMPLE_INSTANT;
  const nowMs = parseInstant(at);
  if (Number.isNaN(nowMs)) ctx.error('ZR2018', example.at?.range ?? example.range, { text: at });
  const draft = defaultFacts();
  const seen = new Set<FieldSpec>();
  for (const entry of example.given) applyGiven(ctx, draft, entry, nowMs, seen);
  const expect = example.expect.map((e) => checkExpectation(ctx, e, ruleIds));
  if (ctx.diagnostics.length > before) return undefined;
  return {
    title: example.title.value,
    range: example.range,
    at,
    facts: deepFreeze(draft) as RuleFacts,
    expectNone: example.expectNone,
    expect: expect.filter((e): e is ExampleExpectation => e !== undefined),
  };
}

function applyGiven(
  ctx: CheckContext,
  draft: DraftFacts,
  entry: GivenEntry,
  nowMs: number,
  seen: Set<FieldSpec>,
): void {
  if (entry.type === 'issued') {
    const measure = measureOf(entry.measure.text);
    const target = targetOf(entry.target.text);
    if (!measure) ctx.error('ZR2006', entry.measure.range, { name: entry.measure.text });
    if (!target) ctx.error('ZR2007', entry.target.range, { name: entry.target.text });
    const issuedAt = instantOrAgo(ctx, entry.at, nowMs);
    if (measure && target && issuedAt !== undefined) {
      draft.history = [
        ...draft.history,
        { measure, target, ruleId: entry.rule?.text ?? 'example', issuedAt },
      ];
    }
    return;
  }
  if (entry.path.type !== 'path') {
    ctx.error('ZR1001', entry.path.range, {
      expected: 'a fact such as 事项.超期天数',
      found: 'an expression',
    });
    return;
  }
  const field = resolveField(ctx, entry.path);
  if (!field) return;
  const name = `${entry.path.scope.text}.${entry.path.field.text}`;
  if (!field.write) {
    ctx.error('ZR2016', entry.path.range, { name, from: field.derivedFrom ?? '?' });
    return;
  }
  if (seen.has(field)) ctx.error('ZR2017', entry.path.range, { name });
  seen.add(field);
  const value = literalFor(ctx, field, entry.value, nowMs);
  if (value !== undefined) field.write(draft, value);
}

/** The literal value a given-block assigns, checked against the field type. */
function literalFor(ctx: CheckContext, field: FieldSpec, expr: Expr, nowMs: number): unknown {
  const type = field.type;
  switch (type.kind) {
    case 'enum': {
      const word = expr.type === 'name' ? expr.name.text : expr.type === 'string' ? expr.value : undefined;
      const code = word === undefined ? undefined : enumValueOf(type.enum, word);
      if (code === undefined) {
        ctx.error('ZR2005', expr.range, { name: word ?? expr.type, type: typeName(type) });
        return undefined;
      }
      return code;
    }
    case 'set':
    case 'timestamps': {
      if (expr.type !== 'list') {
        ctx.error('ZR2021', expr.range, { expected: 'a list [...]', got: expr.type });
        return undefined;
      }
      const items = expr.items.map((item) =>
        type.kind === 'set'
          ? item.type === 'string'
            ? normalizeTag(item.value)
            : badItem(ctx, item, 'strings')
          : instantOrAgo(ctx, item, nowMs),
      );
      return items.includes(undefined) ? undefined : items;
    }
    case 'number':
    case 'string':
    case 'boolean': {
      if (!isLiteral(expr)) {
        ctx.error('ZR2022', expr.range);
        return undefined;
      }
      const checked = checkExpression(ctx, expr, type);
      if (checked.ty.kind === 'error') return undefined;
      if (checked.ty.kind !== type.kind) {
        ctx.error('ZR2003', expr.range, { left: typeName(type), right: typeName(checked.ty) });
        return undefined;
      }
      return compileExpression(checked).fn({ f: undefined as never, now: 0 });
    }
    default:
      ctx.error('ZR2022', expr.range);
      return undefined;
  }
}

function isLiteral(expr: Expr): boolean {
  return (
    ['number', 'string', 'boolean'].includes(expr.type) ||
    (expr.type === 'negate' && expr.operand.type === 'number')
  );
}

function badItem(ctx: CheckContext, item: Expr, expected: string): undefined {
  ctx.error('ZR2021', item.range, { expected, got: item.type });
  return undefined;
}

/** An ISO instant string, or a duration meaning "that long before the example's instant". */
function instantOrAgo(ctx: CheckContext, expr: Expr, nowMs: number): string | undefined {
  if (expr.type === 'string') {
    const ms = parseInstant(expr.value);
    if (Number.isNaN(ms)) {
      ctx.error('ZR2018', expr.range, { text: expr.value });
      return undefined;
    }
    return expr.value;
  }
  if (expr.type === 'duration') return Number.isNaN(nowMs) ? undefined : formatInstant(nowMs - expr.ms);
  ctx.error('ZR2010', expr.range, {
    index: 1,
    name: '于/at',
    expected: `"<ISO instant>" or ${typeName(T.duration)} (ago)`,
    got: expr.type,
  });
  return undefined;
}

function checkExpectation(
  ctx: CheckContext,
  expectation: ExampleAst['expect'][number],
  ruleIds: ReadonlySet<string>,
): ExampleExpectation | undefined {
  const range = expectation.range;
  if (expectation.type === 'tag') return { type: 'tag', tag: normalizeTag(expectation.tag), range };
  if (expectation.type === 'suppress') {
    if (!expectation.target) return { type: 'suppress', range };
    const target: TargetKind | 'all' | undefined =
      keywordOf(expectation.target.text) === 'all' ? 'all' : targetOf(expectation.target.text);
    if (!target) return void ctx.error('ZR2007', expectation.target.range, { name: expectation.target.text });
    return { type: 'suppress', target, range };
  }
  const measure = measureOf(expectation.measure.text);
  const target = targetOf(expectation.target.text);
  if (!measure) ctx.error('ZR2006', expectation.measure.range, { name: expectation.measure.text });
  if (!target) ctx.error('ZR2007', expectation.target.range, { name: expectation.target.text });
  if (expectation.rule && !ruleIds.has(expectation.rule.text)) {
    ctx.error('ZR2020', expectation.rule.range, { name: expectation.rule.text });
  }
  if (!measure || !target) return undefined;
  return {
    type: 'escalate',
    measure,
    target,
    ...(expectation.rule ? { ruleId: expectation.rule.text } : {}),
    range,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
