import type { CorrectableContext } from '../machines/item-corrections';
import type { AppendHook, Engine } from './engine';

/**
 * After an approval, in the same transaction: VOID every escalation the request named (with the
 * correction's reason and a link to it). The rules hook re-evaluates the item on its corrected state
 * like after any item event.
 */
export function correctionsHook(engine: Engine): AppendHook {
  return {
    name: 'corrections',
    async afterAppend(tx, appended) {
      if (appended.streamType !== 'item' || appended.event.type !== 'APPROVE_CORRECTION') return [];
      const records = (appended.state.context as CorrectableContext).corrections;
      const record = records[records.length - 1]!;
      const voided: string[] = [];
      for (const escalationId of record.voidEscalations) {
        await engine.executeIn(
          tx,
          escalationId,
          {
            type: 'VOID',
            reason: `更正 correction of ${appended.event.streamId} event ${record.corrects}: ${record.reason}`,
            correction: {
              itemId: appended.event.streamId,
              sequence: appended.event.sequence,
              corrects: record.corrects,
            },
          },
          { userId: appended.event.actorId, unitId: appended.event.unitId },
          { derived: true, at: appended.event.occurredAt },
        );
        voided.push(escalationId);
      }
      return voided;
    },
  };
}
