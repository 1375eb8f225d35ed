import { enumValueOf, normalizeTag } from './fact-enums';
import {
  defaultFacts,
  FACT_FIELDS,
  type DraftFacts,
  type FactScope,
  type FieldSpec,
  type IssuedEscalation,
  type RuleFacts,
} from './facts';
import { parseInstant } from './instants';
import { measureOf, targetOf } from './vocabulary';

/** Facts as JSON (the test API): each scope overrides the defaults an in-file example starts from. */
export interface FactsJson {
  readonly item?: Record<string, unknown>;
  readonly unit?: Record<string, unknown>;
  readonly campaign?: Record<string, unknown>;
  readonly history?: ReadonlyArray<Record<string, unknown>>;
}

/** A field that does not fit the schema, named by its path (`item.daysOverdue`). */
export interface FactProblem {
  readonly field: string;
  readonly message: string;
}

/** Settable fields by scope and every name (camelCase property, snake_case, Chinese, aliases). */
const settable = new Map<string, FieldSpec>();
for (const field of FACT_FIELDS) {
  if (!field.write) continue;
  for (const name of [field.camel, field.en, field.zh, ...(field.aliases ?? [])]) {
    settable.set(`${field.scope}.${name}`, field);
  }
}

/**
 * Builds facts from JSON, type-checked against the schema exactly as given-blocks are: unknown names —
 * including `constructor` and `__proto__`, looked up in a Map, never on an object — and values of the
 * wrong type are problems, never facts.
 */
export function factsFromJson(input: FactsJson): { facts: RuleFacts } | { problems: FactProblem[] } {
  const draft = defaultFacts();
  const problems: FactProblem[] = [];
  for (const scope of ['item', 'unit', 'campaign'] as const) {
    const values = input[scope];
    if (values === undefined) continue;
    for (const name of Object.keys(values)) {
      const path = `${scope}.${name}`;
      const field = settable.get(path);
      if (!field) {
        problems.push({ field: path, message: `${path} is not a settable fact` });
        continue;
      }
      const value = coerce(field, (values as Record<string, unknown>)[name], scope);
      if (typeof value === 'object' && value !== null && 'problem' in value) {
        problems.push({ field: path, message: (value as { problem: string }).problem });
      } else field.write?.(draft, value);
    }
  }
  if (input.history !== undefined) draft.history = historyOf(input.history, problems);
  return problems.length > 0 ? { problems } : { facts: draft as RuleFacts };
}

type Coerced = unknown | { problem: string };

function coerce(field: FieldSpec, value: unknown, scope: FactScope): Coerced {
  const type = field.type;
  const name = `${scope}.${field.camel}`;
  switch (type.kind) {
    case 'number':
      if (value === null && field.camel === 'checklistItem') return null;
      return typeof value === 'number' && Number.isFinite(value)
        ? value
        : { problem: `${name} must be a finite number` };
    case 'string':
      return typeof value === 'string' && value.length <= 200
        ? value
        : { problem: `${name} must be a string of at most 200 characters` };
    case 'boolean':
      return typeof value === 'boolean' ? value : { problem: `${name} must be true or false` };
    case 'enum': {
      const code = typeof value === 'string' ? enumValueOf(type.enum, value) : undefined;
      return code ?? { problem: `${name} must be a value of ${type.enum}` };
    }
    case 'set':
      return isStringArray(value)
        ? value.map(normalizeTag)
        : { problem: `${name} must be a list of at most 100 strings` };
    case 'timestamps':
      return isStringArray(value) && value.every((t) => !Number.isNaN(parseInstant(t)))
        ? value
        : { problem: `${name} must be a list of at most 100 ISO instants` };
    default:
      return { problem: `${name} cannot be set` };
  }
}

function isStringArray(value: unknown): value is string[] {
  return (
    Array.isArray(value) &&
    value.length <= 100 &&
    value.every((v) => typeof v === 'string' && v.length <= 200)
  );
}

function historyOf(
  entries: ReadonlyArray<Record<string, unknown>>,
  problems: FactProblem[],
): DraftFacts['history'] {
  const history: IssuedEscalation[] = [];
  entries.forEach((entry, index) => {
    const measure = typeof entry.measure === 'string' ? measureOf(entry.measure) : undefined;
    const target = typeof entry.target === 'string' ? targetOf(entry.target) : undefined;
    const issuedAt = typeof entry.issuedAt === 'string' ? entry.issuedAt : '';
    const ruleId = typeof entry.ruleId === 'string' ? entry.ruleId.slice(0, 200) : 'test';
    const field = `history.${index}`;
    if (!measure) problems.push({ field: `${field}.measure`, message: 'unknown measure' });
    if (!target) problems.push({ field: `${field}.target`, message: 'unknown target' });
    if (Number.isNaN(parseInstant(issuedAt)))
      problems.push({ field: `${field}.issuedAt`, message: 'issuedAt must be an ISO instant' });
    const extra = Object.keys(entry).filter((k) => !['measure', 'target', 'issuedAt', 'ruleId'].includes(k));
    for (const key of extra)
      problems.push({ field: `${field}.${key}`, message: `${key} is not a history field` });
    if (measure && target) history.push({ measure, target, ruleId, issuedAt });
  });
  return history;
}
