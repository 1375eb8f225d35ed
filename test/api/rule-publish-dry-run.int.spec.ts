import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XLSX_MEDIA_TYPE } from '../../src/rule-files/decision-workbook';
import type { RuleSetPublishReport } from '../../src/runtime/rule-set-publish';
import { databaseFingerprint } from '../support/fingerprint';
import {
  createXiningCampaign,
  itemInRectification,
  moveClock,
  problemType,
  startApi,
  T0,
  type ApiHarness,
} from './support';

jest.setTimeout(180_000);

const XINING = readFileSync(join(__dirname, '../../rules/xining-2023.rules'), 'utf8');
const XINING_XLSX = readFileSync(join(__dirname, '../../rules/xining-2023.xlsx'));

/** The campaign's rule set at `version`, made of `rules`. */
const xiningWith = (version: number, rules: string) =>
  `规则集 xining-2023 版本 ${version} "从严整治"\n${rules}\n`;

/** Stricter than the seed: any item in rectification gets a letter of inquiry, overdue or not. */
const STRICT_INQUIRY = `规则 strict-inquiry "整改期间即函询责任人" 优先级 45
  当 事项.状态 = 整改中
  则 函询 责任人 期限 7 天 理由 "从严整治：整改期间即函询"`;
/** Heavier again, to the same person: it steps the inquiry up. */
const STRICT_ADMONISH = `规则 strict-admonish "整改期间即约谈责任人" 优先级 46
  当 事项.状态 = 整改中
  则 约谈 责任人 期限 5 天 理由 "从严整治：整改期间即约谈"`;

/**
 * Escalation ids come from the id generator, which a rolled-back dry run also advanced: compare without them
 * (a new escalation's id is replaced by its index in the report).
 */
function comparable(report: RuleSetPublishReport) {
  const placeholder = new Map(report.escalations.map((e, i) => [e.escalationId, `new-escalation-${i}`]));
  return {
    published: report.published,
    evaluated: report.evaluated,
    timers: report.timers.moved.map((t) => ({ ...t, streamId: placeholder.get(t.streamId) ?? t.streamId })),
    fired: report.timers.fired.map((f) => ({
      ...f,
      id: 0,
      streamId: placeholder.get(f.streamId) ?? f.streamId,
    })),
    overdue: report.overdue,
    escalations: report.escalations.map(({ escalationId: _id, ...rest }) => rest),
  };
}

/** Issue 10 point 4: publishing a rule set mid-campaign, with a dry run that equals what applying does. */
describe('publishing a rule set with a diff (?dryRun=true)', () => {
  let api: ApiHarness;
  let campaignId: string;
  let itemId: string;
  const fingerprint = () => databaseFingerprint(api.runtime.database.dataSource);
  const publish = (source: string, dryRun: boolean, login: 'supervisor' | 'officer' = 'supervisor') =>
    api.http
      .post(`/campaigns/${campaignId}/rule-sets${dryRun ? '?dryRun=true' : ''}`)
      .set(api.as(login))
      .send({ source, fileName: 'candidate.rules' });
  const pendingJobs = async (streamId: string) =>
    (
      (await api.runtime.database.dataSource.query(
        `SELECT kind, due_at FROM scheduled_jobs WHERE stream_id = $1 AND status = 'pending' ORDER BY kind`,
        [streamId],
      )) as Array<{ kind: string; due_at: Date }>
    ).map((j) => `${j.kind}@${new Date(j.due_at).toISOString()}`);

  beforeAll(async () => {
    api = await startApi();
    campaignId = await createXiningCampaign(api);
    itemId = await itemInRectification(api, campaignId); // rectification deadline 2023-08-01, clock at T0
  });
  afterAll(() => api.close());

  it('the workbook form: the dry run writes nothing, answers 200 and is what publishing it does', async () => {
    const url = `/campaigns/${campaignId}/rule-sets?fileName=xining-2023.xlsx`;
    const before = await fingerprint();
    const dry = await api.http
      .post(`${url}&dryRun=true`)
      .set(api.as('supervisor'))
      .set('Content-Type', XLSX_MEDIA_TYPE)
      .send(XINING_XLSX);
    expect([dry.status, dry.body.detail]).toEqual([200, undefined]);
    expect(await fingerprint()).toEqual(before);
    const report = dry.body as RuleSetPublishReport;
    expect(report).toMatchObject({
      dryRun: true,
      at: T0,
      campaignId,
      published: { version: 1, ruleSetId: 'xining-2023', ruleCount: 11, publishedAt: T0 },
      evaluated: { items: 1, issued: 0 },
      overdue: { became: [], stopped: [] },
      escalations: [],
    });
    expect(dry.headers.location).toBeUndefined();

    const applied = await api.http
      .post(url)
      .set(api.as('supervisor'))
      .set('Content-Type', XLSX_MEDIA_TYPE)
      .send(XINING_XLSX)
      .expect(201);
    expect(applied.headers.location).toBe(`/campaigns/${campaignId}/rule-sets/1`);
    expect(applied.body).toMatchObject({ version: 1, ruleSetId: 'xining-2023' });
    expect(comparable(applied.body.diff)).toEqual(comparable(report));
    expect(applied.body.diff.dryRun).toBe(false);
  });

  it('a stricter rule: the dry run shows the inquiry it issues at once and its response timer; applying does exactly that', async () => {
    const source = xiningWith(2, STRICT_INQUIRY);
    const before = await fingerprint();
    const dry = (await publish(source, true).expect(200)).body as RuleSetPublishReport;
    expect(await fingerprint()).toEqual(before); // the dry run wrote nothing
    expect(dry.published).toMatchObject({ version: 2, ruleCount: 1 });
    expect(dry.evaluated).toEqual({ items: 1, issued: 1 });
    expect(dry.escalations).toEqual([
      expect.objectContaining({
        itemId,
        ruleId: 'strict-inquiry',
        target: expect.objectContaining({ kind: 'responsible_person' }),
        respondBy: '2023-04-17T09:00:00.000Z',
      }),
    ]);
    const inquiryDry = dry.escalations[0]!.escalationId;
    expect(dry.timers.moved).toEqual([
      { kind: 'RESPONSE_OVERDUE', streamId: inquiryDry, from: null, to: '2023-04-17T09:00:00.000Z' },
    ]);
    expect(dry.timers.fired).toEqual([]);
    expect(dry.overdue).toEqual({ became: [], stopped: [] });

    const applied = await publish(source, false).expect(201);
    const diff = applied.body.diff as RuleSetPublishReport;
    expect(comparable(diff)).toEqual(comparable(dry));
    // The state after applying is what the dry run said: the escalation, its timer, the sweep run recorded.
    const escalations = (
      await api.http.get(`/escalations?itemId=${itemId}`).set(api.as('supervisor')).expect(200)
    ).body.items as Array<{ streamId: string; ruleId: string; ruleSetVersion: number }>;
    expect(escalations).toEqual([
      expect.objectContaining({ streamId: diff.escalations[0]!.escalationId, ruleId: 'strict-inquiry' }),
    ]);
    expect(await pendingJobs(diff.escalations[0]!.escalationId)).toEqual([
      'RESPONSE_OVERDUE@2023-04-17T09:00:00.000Z',
    ]);
    const sweeps = (await api.runtime.database.dataSource.query(
      `SELECT status, outcome FROM scheduled_jobs WHERE kind = 'RULE_SWEEP' AND stream_id = $1 AND due_at = $2`,
      [campaignId, T0],
    )) as Array<{ status: string; outcome: string }>;
    expect(sweeps).toEqual([{ status: 'done', outcome: expect.stringMatching(/^rule set v1 published/) }]);
  });

  it('a heavier rule steps the open inquiry up: its response timer is cancelled, the new one scheduled', async () => {
    await moveClock(api, '2023-04-11T09:00:00.000Z', ['supervisor', 'officer']); // a day later
    const [inquiry] = (
      await api.http.get(`/escalations?itemId=${itemId}`).set(api.as('supervisor')).expect(200)
    ).body.items as Array<{ streamId: string }>;
    const source = xiningWith(3, `${STRICT_INQUIRY}\n${STRICT_ADMONISH}`);
    const before = await fingerprint();
    const dry = (await publish(source, true).expect(200)).body as RuleSetPublishReport;
    expect(await fingerprint()).toEqual(before);
    expect(dry.escalations.map((e) => e.ruleId)).toEqual(['strict-admonish']);
    const admonishDry = dry.escalations[0]!.escalationId;
    expect(dry.timers.moved).toEqual(
      [
        { kind: 'RESPONSE_OVERDUE', streamId: inquiry!.streamId, from: '2023-04-17T09:00:00.000Z', to: null },
        { kind: 'RESPONSE_OVERDUE', streamId: admonishDry, from: null, to: '2023-04-16T09:00:00.000Z' },
      ].sort((a, b) => a.streamId.localeCompare(b.streamId)),
    );

    const applied = await publish(source, false).expect(201);
    expect(comparable(applied.body.diff)).toEqual(comparable(dry));
    expect(await pendingJobs(inquiry!.streamId)).toEqual([]);
    const [cancelled] = (await api.runtime.database.dataSource.query(
      `SELECT status, outcome FROM scheduled_jobs WHERE stream_id = $1 AND kind = 'RESPONSE_OVERDUE'`,
      [inquiry!.streamId],
    )) as Array<{ status: string; outcome: string }>;
    expect(cancelled).toEqual({ status: 'skipped', outcome: 'superseded: rule set v3 published' });
    const stepped = (
      await api.http.get(`/escalations/${inquiry!.streamId}`).set(api.as('supervisor')).expect(200)
    ).body as { state: string };
    expect(stepped.state).toBe('steppedUp');
    // The what-if simulation replays the evaluation a publication runs (a recorded sweep at its instant):
    // simulating the version in effect over its own period reports no difference.
    const simulated = await api.http
      .post(`/campaigns/${campaignId}/rule-sets/simulate`)
      .set(api.as('supervisor'))
      .send({ source, from: '2023-04-11T09:00:00.000Z' })
      .expect(200);
    expect(simulated.body.summary).toMatchObject({ recorded: 1, unchanged: 1, identical: true });
  });

  it('refusals write nothing: an officer, a file that does not compile, a version not newer', async () => {
    const before = await fingerprint();
    await publish(xiningWith(4, ''), true, 'officer').expect(403);
    const broken = await publish(xiningWith(4, '规则 x "坏" 当 事项.超期天数 > 则 提醒 责任人'), true).expect(
      400,
    );
    expect(broken.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(broken.body.diagnostics[0].formatted).toMatch(/^candidate\.rules:2:\d+: error ZR/);
    const stale = await publish(xiningWith(2, ''), true).expect(409);
    expect(stale.body.type).toBe(problemType('version-conflict'));
    await api.http
      .post(`/campaigns/no-such-campaign/rule-sets?dryRun=true`)
      .set(api.as('supervisor'))
      .send({ source: XINING })
      .expect(404);
    const bad = await api.http
      .post(`/campaigns/${campaignId}/rule-sets?dryRun=maybe`)
      .set(api.as('supervisor'))
      .send({ source: xiningWith(4, '') })
      .expect(400);
    expect(JSON.stringify(bad.body.invalidFields)).toContain('dryRun');
    expect(await fingerprint()).toEqual(before);
  });
});
