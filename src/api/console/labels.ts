import type { StreamType } from '../../machines/registry';
import { labelOf, type VocabularyName } from '../../vocabulary/labels';

/**
 * The labels the console endpoints attach to codes, read from the one vocabulary
 * (`src/vocabulary/labels.ts`); an unknown code is its own label.
 */
export interface Label {
  zh: string;
  en: string;
}

const label = (table: VocabularyName, code: string): Label => ({
  zh: labelOf(table, code, 'zh'),
  en: labelOf(table, code, 'en'),
});

const stateTables: Record<StreamType, VocabularyName> = {
  item: 'itemState',
  campaign: 'campaignState',
  escalation: 'escalationState',
};

/** A state's label. */
export function stateLabel(streamType: StreamType, state: string): Label {
  return label(stateTables[streamType], state);
}

/** A machine event's label (event types are unique across the three machines). */
export function eventLabel(_streamType: StreamType, eventType: string): Label {
  return label('eventType', eventType);
}

/** An escalation measure's label. */
export function measureLabel(measure: string): Label {
  return label('measure', measure);
}

/** A campaign phase's label. */
export function phaseLabel(phase: string): Label {
  return label('phase', phase);
}
