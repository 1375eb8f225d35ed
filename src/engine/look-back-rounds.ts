import type { AppendHook, Engine } from './engine';

/**
 * A look-back round (回头看) of a standing mechanism looks at every closed item again: after
 * START_LOOK_BACK_ROUND is appended, each of the campaign's closed items gets START_LOOK_BACK in the same
 * transaction (so a round and its items start together or not at all), noted with the round's number.
 * Each item then passes (PASS_LOOK_BACK) or rebounds (REBOUND, 反弹) on its own.
 */
export function lookBackRoundHook(engine: Engine): AppendHook {
  return {
    name: 'look-back-round',
    async afterAppend(tx, { streamType, event, state }) {
      if (streamType !== 'campaign' || event.type !== 'START_LOOK_BACK_ROUND') return [];
      const rounds = (state.context as { lookBackRounds?: Array<{ number: number }> }).lookBackRounds ?? [];
      const round = rounds[rounds.length - 1]?.number ?? 1;
      const closed = await tx.query<{ stream_id: string }>(
        `SELECT stream_id FROM streams WHERE stream_type = 'item' AND campaign_id = $1 AND state = 'closed'
          ORDER BY stream_id`,
        [event.streamId],
      );
      const started: string[] = [];
      for (const { stream_id } of closed) {
        await engine.executeIn(
          tx,
          stream_id,
          { type: 'START_LOOK_BACK', note: `第${round}轮回头看` },
          { userId: event.actorId, unitId: event.unitId },
          { at: event.occurredAt, derived: true },
        );
        started.push(stream_id);
      }
      return [{ round, items: started }];
    },
  };
}
