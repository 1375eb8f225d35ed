import { replayEvents } from '../../src/engine/replay';
import { readGoldenFixture } from '../support/golden';

/**
 * Golden replay (house style rule 9): stored event logs must rebuild exactly the state they produced when
 * they were recorded, after every change to the machines. The fixture was recorded once from the engine
 * (a full item life and a campaign walk); a machine change that alters their meaning fails here and needs
 * a new machine version instead.
 */
describe('golden replay', () => {
  const streams = readGoldenFixture();

  it('has recorded streams of every kind', () => {
    expect(new Set(streams.map((s) => s.streamType))).toEqual(new Set(['item', 'campaign', 'escalation']));
  });

  it.each(
    streams.map((s) => [`${s.streamType} ${s.events[0]!.streamId} (${s.events.length} events)`, s] as const),
  )('replays %s to the recorded snapshot', (_name, stream) => {
    expect(replayEvents(stream.streamType, stream.events)).toEqual(stream.snapshot);
  });
});
