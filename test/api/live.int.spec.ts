import pino from 'pino';
import { createApp } from '../../src/api/app';
import { createApiRuntime } from '../../src/api/runtime';
import { listen, type RunningServer } from '../../src/api/server';
import type { AppendHook } from '../../src/engine/engine';
import { openDatabase, type Database } from '../../src/persistence/database';
import {
  command,
  createXiningCampaign,
  itemInRectification,
  registerItem,
  startApi,
  type ApiHarness,
} from './support';
import { testDatabaseKind } from '../support/database';

interface LiveEvent {
  event: string;
  data: {
    streamType: string;
    streamId: string;
    sequence: number;
    eventType: string;
    campaignId: string | null;
    unitId: string;
  };
}

/** A `GET /live` reader as the console has it: fetch + ReadableStream, parsing SSE blocks. */
async function openLive(baseUrl: string, token: string) {
  const controller = new AbortController();
  const response = await fetch(`${baseUrl}/live`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: LiveEvent[] = [];
  const comments: string[] = [];
  let ended = false;
  void (async () => {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (block.startsWith(':')) comments.push(block.slice(1).trim());
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) as LiveEvent['data'] });
        }
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  const until = async (condition: () => boolean, what: string, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return {
    events,
    comments,
    ended: () => ended,
    until,
    /** Waits for an append of this stream and event type. */
    appended: (streamId: string, eventType: string) =>
      until(
        () => events.some((e) => e.data.streamId === streamId && e.data.eventType === eventType),
        `${eventType} of ${streamId}`,
      ),
    close: () => controller.abort(),
  };
}

const twoServers = testDatabaseKind === 'postgres';

describe(`GET /live (${twoServers ? 'two servers on one PostgreSQL database via LISTEN/NOTIFY' : 'PGlite, in-process'})`, () => {
  let api: ApiHarness;
  let other: { server: RunningServer; database: Database } | null = null;
  /** Where readers connect: a second server process's app on PostgreSQL, the same one on PGlite. */
  let readerUrl: string;
  let campaignId: string;

  beforeAll(async () => {
    api = await startApi({ liveHeartbeatMs: 100 });
    campaignId = await createXiningCampaign(api);
    readerUrl = api.server.url;
    if (twoServers) {
      const url = (api.runtime.database.dataSource.options as { url: string }).url;
      const database = await openDatabase({ url, migrate: false });
      // The same (manual) clock as server A, so that A's access tokens are current on B.
      const runtime = await createApiRuntime(database, { clock: api.runtime.clock });
      const app = createApp(runtime, {
        auth: { jwtSecret: new TextEncoder().encode('test-secret-that-is-at-least-32-bytes-long') },
        logger: pino({ level: 'silent' }),
        liveHeartbeatMs: 100,
      });
      other = { server: await listen(app, 0), database };
      readerUrl = other.server.url;
    }
  });
  afterAll(async () => {
    if (other) {
      await other.server.close();
      await other.database.close();
    }
    await api.close();
  });

  it('announces a command to readers of its subtree only, with heartbeats', async () => {
    const hz = await openLive(readerUrl, api.tokens.officer);
    const dt = await openLive(readerUrl, api.tokens['officer.dt']);
    try {
      const hzItem = await registerItem(api, campaignId, 'officer', 'xn-hz');
      await hz.appended(hzItem, 'REGISTER');
      expect(hz.events.find((e) => e.data.streamId === hzItem)).toEqual({
        event: 'append',
        data: expect.objectContaining({
          streamType: 'item',
          streamId: hzItem,
          sequence: 1,
          eventType: 'REGISTER',
          campaignId,
          unitId: 'xn-hz',
        }),
      });
      const dtItem = await registerItem(api, campaignId, 'officer.dt', 'xn-dt');
      await dt.appended(dtItem, 'REGISTER');
      // Each reader has heard the later event of its own subtree, so the other's would have arrived first.
      await hz.until(() => hz.comments.includes('heartbeat'), 'a heartbeat');
      expect(dt.events.map((e) => e.data.streamId)).not.toContain(hzItem);
      expect(hz.events.map((e) => e.data.streamId)).not.toContain(dtItem);
      // A campaign run by the city is readable below it: its events reach the county officer too.
      await api.http
        .post(`/campaigns/${campaignId}/commands/fulfil-obligation`)
        .set(api.as('supervisor'))
        .send({ code: 'deployment' })
        .expect(200);
      await hz.appended(campaignId, 'FULFIL_OBLIGATION');
    } finally {
      hz.close();
      dt.close();
    }
  });

  it('announces nothing for a command that rolled back after its NOTIFY was issued', async () => {
    const itemId = await itemInRectification(api, campaignId);
    const failing: AppendHook = {
      name: 'test-failure-after-notify',
      afterAppend: async (_tx, appended) => {
        if ((appended.event.payload as { note?: string }).note === 'roll me back')
          throw new Error('injected failure');
        return [];
      },
    };
    api.runtime.engine.addHook(failing);
    const reader = await openLive(readerUrl, api.tokens.supervisor);
    try {
      await command(api, 'officer', itemId, 'record-progress', { note: 'roll me back' }).expect(500);
      const kept = await command(api, 'officer', itemId, 'record-progress', { note: '已完成' }).expect(200);
      await reader.appended(itemId, 'RECORD_PROGRESS');
      const progress = reader.events.filter((e) => e.data.streamId === itemId);
      expect(progress.map((e) => e.data.sequence)).toEqual([kept.body.version]);
    } finally {
      reader.close();
    }
  });

  it('refuses an unauthenticated reader', async () => {
    const response = await fetch(`${api.server.url}/live`);
    expect(response.status).toBe(401);
  });

  it('forgets a client that disconnects and ends every stream when the server shuts down', async () => {
    const context = api.context;
    const before = context.live.size;
    const leaving = await openLive(api.server.url, api.tokens.auditor);
    await leaving.until(() => context.live.size === before + 1, 'the subscription');
    leaving.close();
    await leaving.until(() => context.live.size === before, 'the unsubscription');

    const staying = await openLive(readerUrl, api.tokens.auditor);
    await staying.until(() => staying.comments.includes('connected'), 'the stream to open');
    const server = other?.server ?? api.server;
    const started = Date.now();
    const closed = server.close(10_000).then(() => Date.now() - started);
    await staying.until(() => staying.ended(), 'the stream to end');
    const streamEnded = Date.now() - started;
    // Streams end at once; the server then waits only for idle keep-alive sockets it sweeps.
    expect(streamEnded).toBeLessThan(2000);
    expect(await closed).toBeLessThan(8000);
  });
});
