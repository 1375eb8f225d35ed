import 'reflect-metadata';
import { feedInspector, type InspectedState, type StreamInspector } from '../../src/audit/inspection-feed';
import {
  command,
  createXiningCampaign,
  itemInRectification,
  startApi,
  type ApiHarness,
} from '../api/support';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

/** Records what an @statelyai/inspect inspector would be given (the package is an ES module Jest cannot load). */
function recordingInspector() {
  const calls: Array<{
    kind: 'actor' | 'event' | 'snapshot';
    actor: string;
    payload: unknown;
    info: unknown;
  }> = [];
  const inspector: StreamInspector = {
    actor: (actor, snapshot, info) => calls.push({ kind: 'actor', actor, payload: snapshot, info }),
    event: (actor, event, info) => calls.push({ kind: 'event', actor, payload: event, info }),
    snapshot: (actor, snapshot, info) => calls.push({ kind: 'snapshot', actor, payload: snapshot, info }),
  };
  return { inspector, calls };
}

describe('inspection feed of a stream (@statelyai/inspect)', () => {
  it('registers the actor with its machine definition, then each stored event and the state it led to', async () => {
    const campaignId = await createXiningCampaign(api);
    const itemId = await itemInRectification(api, campaignId);
    await command(api, 'officer', itemId, 'record-progress', { note: '已培训' }).expect(200);
    const events = await api.runtime.store.readStream(itemId);
    const { inspector, calls } = recordingInspector();
    expect(feedInspector(inspector, 'item', events)).toBe(events.length);
    expect(calls[0]).toMatchObject({
      kind: 'actor',
      actor: itemId,
      payload: { status: 'active', value: 'registered' },
    });
    const definition = JSON.parse((calls[0]!.info as { definition: string }).definition) as {
      id: string;
      states: object;
    };
    expect(definition.id).toBe('item');
    expect(Object.keys(definition.states)).toContain('rectifying');
    const sent = calls.filter((c) => c.kind === 'event').map((c) => (c.payload as { type: string }).type);
    expect(sent).toEqual(events.slice(1).map((e) => e.type));
    const states = calls.filter((c) => c.kind === 'snapshot').map((c) => (c.payload as InspectedState).value);
    expect(states).toEqual(['verifying', 'confirmed', 'rectifying', 'rectifying']);
    const stream = await api.runtime.store.loadStream(itemId);
    expect((calls.at(-1)!.payload as InspectedState).context).toEqual(stream!.snapshot.context);
  });
});
