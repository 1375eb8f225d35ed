import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { databaseFingerprint } from '../support/fingerprint';
import { createXiningCampaign, itemInRectification, startApi, type ApiHarness } from './support';

interface Report {
  dryRun: boolean;
  timers: {
    moved: Array<{ kind: string; streamId: string; from: string | null; to: string | null }>;
    fired: unknown[];
  };
  overdue: { became: string[]; stopped: string[] };
  escalations: Array<{
    escalationId: string;
    itemId: string;
    ruleId: string;
    measure: string;
    target: unknown;
  }>;
  result: { streamId: string; version: number; state: string };
}

jest.setTimeout(180_000);

/** Escalation ids come from the id generator, which a rolled-back dry run also advanced: compare without them. */
function comparable(report: Report) {
  const escalationIds = new Set(report.escalations.map((e) => e.escalationId));
  return {
    timers: report.timers.moved.map((t) => ({
      ...t,
      streamId: escalationIds.has(t.streamId) ? 'escalation' : t.streamId,
    })),
    fired: report.timers.fired.length,
    overdue: report.overdue,
    escalations: report.escalations.map(({ escalationId: _id, ...rest }) => rest),
    result: report.result,
  };
}

/** Issue 10 point 4: deadline changes with a dry run that equals what applying does. */
describe('deadline changes with a diff', () => {
  let api: ApiHarness;
  let campaignId: string;
  let itemId: string;

  beforeAll(async () => {
    api = await startApi();
    campaignId = await createXiningCampaign(api);
    const source = readFileSync(join(__dirname, '../../rules/xining-2023.rules'), 'utf8');
    await api.http
      .post(`/campaigns/${campaignId}/rule-sets`)
      .set(api.as('supervisor'))
      .send({ source })
      .expect(201);
    itemId = await itemInRectification(api, campaignId); // rectification deadline 2023-08-01
  });
  afterAll(() => api.close());

  /** Row counts and digests of the event log, the timers and the settings: a dry run changes none. */
  const fingerprint = () => databaseFingerprint(api.runtime.database.dataSource);

  const change = (deadline: string, dryRun: boolean, login: 'supervisor' | 'officer' = 'supervisor') =>
    api.http
      .post(`/items/${itemId}/commands/change-deadline${dryRun ? '?dryRun=true' : ''}`)
      .set(api.as(login))
      .send({ deadline, reason: '督导组调整整改时限' });

  it('only a supervisor changes an item deadline; a bad deadline is a located 400', async () => {
    await change('2023-09-01T00:00:00.000Z', true, 'officer').expect(403);
    const bad = await change('tomorrow', true).expect(400);
    expect(JSON.stringify(bad.body.invalidFields)).toContain('deadline');
  });

  it('moving a deadline earlier into the past: the dry run shows the timer fire, the item become overdue and the escalations; applying does exactly that', async () => {
    const deadline = '2023-03-01T00:00:00.000Z'; // 40 days before the clock (2023-04-10)
    const before = await fingerprint();
    const dry = (await change(deadline, true).expect(200)).body as Report;
    expect(await fingerprint()).toEqual(before); // the dry run wrote nothing
    expect(dry.dryRun).toBe(true);
    expect(dry.overdue).toEqual({ became: [itemId], stopped: [] });
    expect(dry.timers.moved).toContainEqual({
      kind: 'RECTIFICATION_OVERDUE',
      streamId: itemId,
      from: '2023-08-01T00:00:00.000Z',
      to: null,
    });
    expect(dry.timers.fired).toHaveLength(1);
    // 40 days overdue: 约谈 of the unit leader (> 30 days) and 函询 of the responsible person (> 10 days).
    expect(dry.escalations.map((e) => e.ruleId).sort()).toEqual(['overdue-admonish', 'overdue-inquiry']);

    const applied = await change(deadline, false).expect(200);
    expect(applied.headers.etag).toBe(`"${applied.body.version}"`);
    expect(comparable(applied.body.diff as Report)).toEqual(comparable(dry));
    // The state after applying is what the dry run said.
    const item = (await api.http.get(`/items/${itemId}`).set(api.as('supervisor')).expect(200)).body;
    expect(item.overdue).toBe(true);
    expect(item.context.ledger.deadline).toBe(deadline);
    expect(item.context.ledger.deadlineExtensions.at(-1)).toMatchObject({
      from: '2023-08-01T00:00:00.000Z',
      to: deadline,
      reason: '督导组调整整改时限',
    });
    const escalations = (
      await api.http.get(`/escalations?itemId=${itemId}`).set(api.as('supervisor')).expect(200)
    ).body.items as Array<{ streamId: string; ruleId: string }>;
    expect(escalations.map((e) => e.streamId).sort()).toEqual(
      (applied.body.diff as Report).escalations.map((e) => e.escalationId).sort(),
    );
    const pending = (await api.runtime.database.dataSource.query(
      `SELECT kind FROM scheduled_jobs WHERE stream_id = $1 AND status = 'pending'`,
      [itemId],
    )) as unknown[];
    expect(pending).toEqual([]);
  });

  it('moving it later: the item stops being overdue and one timer is pending at the new deadline', async () => {
    const deadline = '2023-09-01T00:00:00.000Z';
    const before = await fingerprint();
    const dry = (await change(deadline, true).expect(200)).body as Report;
    expect(await fingerprint()).toEqual(before);
    expect(dry.overdue).toEqual({ became: [], stopped: [itemId] });
    expect(dry.timers.moved).toEqual([
      { kind: 'RECTIFICATION_OVERDUE', streamId: itemId, from: null, to: deadline },
    ]);
    expect(dry.escalations).toEqual([]);
    const applied = await change(deadline, false).expect(200);
    expect(comparable(applied.body.diff as Report)).toEqual(comparable(dry));
    const pending = (await api.runtime.database.dataSource.query(
      `SELECT kind, due_at FROM scheduled_jobs WHERE stream_id = $1 AND status = 'pending'`,
      [itemId],
    )) as Array<{ kind: string; due_at: Date }>;
    expect(pending.map((j) => `${j.kind}@${new Date(j.due_at).toISOString()}`)).toEqual([
      `RECTIFICATION_OVERDUE@${deadline}`,
    ]);
    const item = (await api.http.get(`/items/${itemId}`).set(api.as('supervisor')).expect(200)).body;
    expect(item.overdue).toBe(false);
  });

  it('a phase deadline: the dry run shows the phase timer move; applying moves it and nothing else', async () => {
    const url = `/campaigns/${campaignId}/commands/set-phase-deadline`;
    const body = { phase: 'mobilize', deadline: '2023-04-15T23:59:59+08:00' };
    const before = await fingerprint();
    const dry = (await api.http.post(`${url}?dryRun=true`).set(api.as('supervisor')).send(body).expect(200))
      .body as Report;
    expect(await fingerprint()).toEqual(before);
    expect(dry.timers.moved).toEqual([
      {
        kind: 'PHASE_DEADLINE_PASSED',
        streamId: campaignId,
        from: '2023-04-20T15:59:59.000Z',
        to: '2023-04-15T15:59:59.000Z',
      },
    ]);
    const applied = await api.http.post(url).set(api.as('supervisor')).send(body).expect(200);
    expect(applied.body.state).toBe('mobilize');
    expect(comparable(applied.body.diff as Report)).toEqual(comparable(dry));
    await api.http.post(`${url}?dryRun=true`).set(api.as('officer')).send(body).expect(403);
  });
});
