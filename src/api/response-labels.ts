import { termOf, type VocabularyName } from '../vocabulary/labels';

/**
 * Which vocabulary tables a response field's code may come from, by field name. `state` is looked up in
 * the three machines' state tables in turn: their codes do not overlap.
 */
const FIELD_TABLES: Readonly<Record<string, readonly VocabularyName[]>> = {
  state: ['itemState', 'campaignState', 'escalationState'],
  fromState: ['itemState', 'campaignState', 'escalationState'],
  toState: ['itemState', 'campaignState', 'escalationState'],
  stateBefore: ['itemState', 'campaignState', 'escalationState'],
  stateAfter: ['itemState', 'campaignState', 'escalationState'],
  currentState: ['itemState', 'campaignState', 'escalationState'],
  phase: ['phase'],
  currentPhase: ['phase'],
  eventType: ['eventType'],
  type: ['eventType'],
  measure: ['measure'],
  kind: ['target'],
  source: ['channel'],
  channel: ['channel'],
  category: ['category'],
  severity: ['severity'],
  role: ['role'],
  template: ['campaignKind'],
  streamType: ['streamKind'],
};

function labelFor(field: string, code: unknown): string | undefined {
  if (typeof code !== 'string') return undefined;
  for (const table of FIELD_TABLES[field] ?? []) {
    const term = termOf(table, code);
    if (term) return term.zh;
  }
  return undefined;
}

/**
 * A `JSON.stringify` replacer that puts the Chinese label beside every code a person reads:
 * `"state":"rectifying"` gains `"stateLabel":"整改中"`. Installed once as Express's `json replacer`, so
 * every JSON response carries labels the same way; an object that already has the label field keeps
 * its own, and codes the vocabulary does not know (a campaign's own categories) get none.
 */
export function withCodeLabels(this: unknown, _key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  let labelled: Record<string, unknown> | null = null;
  for (const [field, code] of Object.entries(value as Record<string, unknown>)) {
    const label = labelFor(field, code);
    if (label === undefined || `${field}Label` in value) continue;
    labelled ??= { ...(value as Record<string, unknown>) };
    labelled[`${field}Label`] = label;
  }
  return labelled ?? value;
}
