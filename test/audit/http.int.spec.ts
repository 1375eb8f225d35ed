import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyExportFile } from '../../src/audit/verify-export';
import { clue, createXiningCampaign, startApi, type ApiHarness } from '../api/support';

let api: ApiHarness;
let campaignId: string;
let itemId: string;
const officer = { userId: 'u-officer', unitId: 'xn-hz' };

beforeAll(async () => {
  api = await startApi();
  campaignId = await createXiningCampaign(api);
  itemId = (await api.runtime.engine.create('item', clue(campaignId), officer)).streamId;
  await api.runtime.engine.execute(itemId, { type: 'ADD_TAG', tag: '高频投诉' }, officer);
});
afterAll(() => api.close());

describe('audit HTTP API on ' + (process.env.ZZ_TEST_DB ?? 'postgres'), () => {
  it('an auditor gets a timeline and time travel over HTTP', async () => {
    const timeline = await api.http
      .get(`/audit/streams/${itemId}/timeline`)
      .set(api.as('auditor'))
      .expect(200);
    expect(
      timeline.body.entries.map((e: { type: string; stateAfter: string }) => [e.type, e.stateAfter]),
    ).toEqual([
      ['REGISTER', 'registered'],
      ['ADD_TAG', 'registered'],
    ]);
    const past = await api.http
      .get(`/audit/streams/${itemId}/state`)
      .query({ sequence: 1 })
      .set(api.as('auditor'))
      .expect(200);
    expect(past.body).toMatchObject({ version: 1, state: { value: 'registered', context: { tags: [] } } });
    const explained = await api.http
      .get(`/audit/streams/${itemId}/explain`)
      .set(api.as('auditor'))
      .expect(200);
    expect(explained.body.waitingFor).toEqual(expect.arrayContaining(['ASSIGN_VERIFICATION']));
    const reads = await api.http.get('/audit/reads').set(api.as('auditor')).expect(200);
    expect(reads.body.map((r: { action: string }) => r.action)).toEqual(['explain', 'state-at', 'timeline']);
  });

  it('verifies a campaign and exports it for offline verification', async () => {
    const verify = await api.http
      .get('/audit/verify')
      .query({ campaignId })
      .set(api.as('auditor'))
      .expect(200);
    expect(verify.body).toMatchObject({ ok: true, findings: [], streamsChecked: 2 });
    const exported = await api.http
      .get(`/audit/campaigns/${campaignId}/export`)
      .set(api.as('auditor'))
      .buffer(true)
      .parse((res, done) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => done(null, text));
      });
    expect(exported.status).toBe(200);
    expect(exported.headers['content-type']).toMatch(/application\/x-ndjson/);
    const file = join(mkdtempSync(join(tmpdir(), 'zz-http-')), 'e.jsonl');
    writeFileSync(file, exported.body as string);
    expect(await verifyExportFile(file)).toMatchObject({ ok: true, streamsChecked: 2, eventsChecked: 3 });
  });

  it('outside the subtree is 403, an officer is 403, an unknown stream 404, bad input 400 — all problem+json', async () => {
    const outside = await api.http
      .get(`/audit/streams/${itemId}/timeline`)
      .set(api.as('auditor.dt'))
      .expect(403);
    expect(outside.headers['content-type']).toMatch(/application\/problem\+json/);
    await api.http.get(`/audit/streams/${itemId}/timeline`).set(api.as('officer')).expect(403);
    await api.http.get('/audit/streams/item-nope/timeline').set(api.as('auditor')).expect(404);
    const bad = await api.http
      .get(`/audit/streams/${itemId}/state`)
      .query({ at: 'yesterday' })
      .set(api.as('auditor'))
      .expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    await api.http.get('/audit/verify').set(api.as('auditor.dt')).expect(403);
    await api.http.get(`/audit/streams/${itemId}/timeline`).expect(401);
  });
});
