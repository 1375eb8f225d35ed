import type { Ty } from './expression-type';

/**
 * The only functions rule text can call. Each is implemented in `compile-expression.ts` by its `code`;
 * there is no way to call anything else.
 */
export interface FunctionSpec {
  readonly code: 'issued' | 'timesIssued' | 'sinceIssued' | 'days';
  readonly en: string;
  readonly zh: string;
  readonly aliases: readonly string[];
  /** Parameter types; parameters from `required` on are optional. */
  readonly params: readonly Ty[];
  readonly required: number;
  readonly result: Ty;
  readonly doc: string;
}

/** The function table. */
export const FUNCTIONS: readonly FunctionSpec[] = Object.freeze([
  {
    code: 'issued',
    en: 'issued',
    zh: '已采取',
    aliases: [],
    params: [{ kind: 'measure' }, { kind: 'target' }],
    required: 1,
    result: { kind: 'boolean' },
    doc: '已采取(约谈[, 单位负责人]): this measure was already issued on the item (optionally to that target)',
  },
  {
    code: 'timesIssued',
    en: 'times_issued',
    zh: '采取次数',
    aliases: ['已采取次数'],
    params: [{ kind: 'measure' }, { kind: 'target' }],
    required: 1,
    result: { kind: 'number' },
    doc: '采取次数(约谈): how many times the measure was issued on the item',
  },
  {
    code: 'sinceIssued',
    en: 'since_issued',
    zh: '距上次',
    aliases: ['距上次采取'],
    params: [{ kind: 'measure' }, { kind: 'target' }],
    required: 1,
    result: { kind: 'duration' },
    doc: '距上次(约谈): time since the measure was last issued (absent → every comparison is false)',
  },
  {
    code: 'days',
    en: 'days',
    zh: '天数',
    aliases: ['in_days'],
    params: [{ kind: 'duration' }],
    required: 1,
    result: { kind: 'number' },
    doc: '天数(距上次(约谈)): a duration in days',
  },
] satisfies FunctionSpec[]);

const functionIndex = new Map<string, FunctionSpec>();
for (const fn of FUNCTIONS) for (const name of [fn.en, fn.zh, ...fn.aliases]) functionIndex.set(name, fn);

/** Looks a function up by any of its names. */
export function functionOf(name: string): FunctionSpec | undefined {
  return functionIndex.get(name);
}

/** All function names (for hints). */
export const FUNCTION_NAMES: readonly string[] = [...functionIndex.keys()];
