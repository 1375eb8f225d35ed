import { StreamLanguage, type StringStream } from '@codemirror/language';
import type { CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { FACT_FIELDS, SCOPES } from '../../../src/rules/facts';
import { DURATION_UNITS, KEYWORDS, MEASURES, TARGETS } from '../../../src/rules/vocabulary';

/**
 * A CodeMirror mode for the rules DSL, built from the language's own tables (src/rules/vocabulary.ts and
 * facts.ts, pure and bundled here): keywords, measures and targets in Chinese and English, scopes and fact
 * names, numbers with duration units, strings in ASCII or Chinese quotes, `#` and `//` comments.
 */
const keywords = new Set(Object.values(KEYWORDS).flatMap((surfaces) => surfaces.map((s) => s.toLowerCase())));
const measures = new Set(MEASURES.flatMap((m) => [m.code, m.zh, ...m.aliases].map((s) => s.toLowerCase())));
const targets = new Set(TARGETS.flatMap((t) => [t.code, t.zh, ...t.aliases].map((s) => s.toLowerCase())));
const units = new Set(DURATION_UNITS.flatMap((u) => u.surfaces.map((s) => s.toLowerCase())));
const scopes = new Set(Object.keys(SCOPES).map((s) => s.toLowerCase()));
const QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '「': '」', '『': '』' };

interface State {
  afterScope: boolean;
}

function token(stream: StringStream, state: State): string | null {
  if (stream.eatSpace()) return null;
  if (stream.match('#') || stream.match('//')) {
    stream.skipToEnd();
    return 'comment';
  }
  const ch = stream.peek()!;
  const close = QUOTES[ch];
  if (close) {
    stream.next();
    let escaped = false;
    let next: string | void;
    while ((next = stream.next()) !== undefined) {
      if (next === close && !escaped) break;
      escaped = !escaped && next === '\\';
    }
    return 'string';
  }
  if (stream.match(/^\d+(\.\d+)?%?/)) return 'number';
  if (stream.match(/^[\p{L}_][\p{L}\p{M}\p{N}_-]*/u)) {
    const word = stream.current().toLowerCase();
    const wasAfterScope = state.afterScope;
    state.afterScope = false;
    if (wasAfterScope) return 'propertyName';
    if (scopes.has(word) && stream.peek() === '.') {
      state.afterScope = true;
      return 'variableName.special';
    }
    if (keywords.has(word)) return 'keyword';
    if (measures.has(word)) return 'typeName';
    if (targets.has(word)) return 'className';
    if (units.has(word)) return 'unit';
    return 'variableName';
  }
  stream.next();
  return ch === '.' ? null : 'operator';
}

export const rulesLanguage = StreamLanguage.define<State>({
  name: 'zhengzhi-rules',
  startState: () => ({ afterScope: false }),
  token,
  languageData: { commentTokens: { line: '#' } },
});

const keywordOptions = Object.values(KEYWORDS)
  .flat()
  .map((label) => ({ label, type: 'keyword' }));
const measureOptions = MEASURES.flatMap((m) => [
  { label: m.zh, type: 'type', detail: m.code },
  { label: m.code, type: 'type', detail: m.zh },
]);
const targetOptions = TARGETS.flatMap((t) => [
  { label: t.zh, type: 'class', detail: t.code },
  { label: t.code, type: 'class', detail: t.zh },
]);
const scopeOptions = Object.keys(SCOPES).map((label) => ({ label, type: 'namespace' }));

/** Completion: fact names after `事项.` / `item.` (Chinese and English), otherwise keywords, measures, scopes. */
export function rulesCompletion(context: CompletionContext): CompletionResult | null {
  const fact = context.matchBefore(/[\p{L}_]+\.[\p{L}\p{N}_]*/u);
  if (fact) {
    const dot = fact.text.indexOf('.');
    const scope = SCOPES[fact.text.slice(0, dot)] ?? SCOPES[fact.text.slice(0, dot).toLowerCase()];
    if (!scope) return null;
    const chinese = /[\u4e00-\u9fff]/.test(fact.text.slice(0, dot));
    return {
      from: fact.from + dot + 1,
      options: FACT_FIELDS.filter((f) => f.scope === scope).map((f) => ({
        label: chinese ? f.zh : f.en,
        detail: chinese ? f.en : f.zh,
        info: f.doc,
        type: 'property',
      })),
      validFor: /^[\p{L}\p{N}_]*$/u,
    };
  }
  const word = context.matchBefore(/[\p{L}_][\p{L}\p{N}_-]*/u);
  if (!word && !context.explicit) return null;
  return {
    from: word?.from ?? context.pos,
    options: [...keywordOptions, ...measureOptions, ...targetOptions, ...scopeOptions],
    validFor: /^[\p{L}\p{N}_-]*$/u,
  };
}
