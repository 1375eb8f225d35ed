import 'reflect-metadata';
import {
  command,
  createXiningCampaign,
  itemInRectification,
  moveClock,
  registerItem,
  startApi,
  type ApiHarness,
  type Login,
  uploadEvidence,
} from './support';

let api: ApiHarness;
let campaignId: string;
const actor = { userId: 'u-officer', unitId: 'xn-hz' };

async function escalation(id: string, unitId: string, measure: string) {
  await api.runtime.engine.create(
    'escalation',
    {
      escalationId: id,
      campaignId,
      itemId: null,
      unitId,
      measure,
      target: { kind: 'unit', id: unitId },
      respondBy: null,
      reason: 'test',
      ruleId: 'r1',
      ruleTitle: 'r1',
      ruleSetId: 'rs',
      ruleSetVersion: 1,
      provenance: null,
      overridden: null,
      trigger: { kind: 'clock', tick: '2023-04-10T00:00:00.000Z' },
      stepsUpFrom: null,
    },
    actor,
  );
}

beforeAll(async () => {
  api = await startApi();
  campaignId = await createXiningCampaign(api);
  const closed = await itemInRectification(api, campaignId);
  await command(api, 'officer', closed, 'submit-for-acceptance', {
    result: '完成',
    files: [await uploadEvidence(api, 'officer', closed)],
  }).expect(200);
  await command(api, 'supervisor', closed, 'accept', {}).expect(200);
  const late = await itemInRectification(api, campaignId);
  await api.runtime.engine.execute(
    late,
    { type: 'RECTIFICATION_OVERDUE', deadline: '2023-08-01T00:00:00.000Z' },
    actor,
    { at: '2023-08-02T00:00:00.000Z' },
  );
  await registerItem(api, campaignId, 'officer', 'xn-hz-det');
  const datong = await registerItem(api, campaignId, 'officer.dt', 'xn-dt');
  await command(api, 'officer.dt', datong, 'assign-verification', {
    unitId: 'xn-dt',
    officerId: 'u-officer-dt',
    deadline: '2023-05-01T00:00:00.000Z',
  }).expect(200);
  await command(api, 'officer.dt', datong, 'confirm', {
    category: 'non_standard',
    severity: 'minor',
    findings: '查实',
  }).expect(200);
  // Registered on other days: 17:30 UTC on 04-11 is already 04-12 in Shanghai.
  for (const [id, unit, at] of [
    ['early', 'xn-hz', '2023-04-01T03:00:00.000Z'],
    ['midnight', 'xn-dt', '2023-04-11T17:30:00.000Z'],
  ] as const) {
    await api.runtime.engine.create(
      'item',
      { itemId: id, campaignId, reportedUnitId: unit, source: 'petition', description: id, receivedAt: at },
      actor,
      { at },
    );
  }
  await escalation('esc-1', 'xn-hz', 'inquiry_letter');
  await escalation('esc-2', 'xn-hz-det', 'inquiry_letter');
  await escalation('esc-3', 'xn-dt', 'admonish');
  await api.runtime.engine.execute('esc-1', { type: 'LIFT', reason: '已整改' }, actor);
  // Read on 2 August, when the late item's deadline (1 August) has passed: overdue is derived from it.
  await moveClock(api, '2023-08-02T00:00:00.000Z', ['supervisor', 'officer', 'officer.dt', 'auditor']);
});
afterAll(() => api.close());

interface Dashboard {
  campaign: {
    id: string;
    title: string;
    phase: string;
    phaseLabel: string;
    phases: Array<{
      phase: string;
      label: string;
      deadline: string | null;
      reached: boolean;
      current: boolean;
    }>;
    openObligations: Array<{ code: string; label: string; phase: string }>;
  };
  byState: Array<{ state: string; label: string; count: number }>;
  byCategory: Array<{ category: string; label: string; count: number }>;
  byUnit: Array<{ unitId: string; unitName: string; total: number; open: number; overdue: number }>;
  escalationsByMeasure: Array<{ measure: string; label: string; count: number; open: number }>;
  trend: Array<{ day: string; registered: number; closed: number }>;
}

const dashboard = async (login: Login) =>
  (await api.http.get(`/campaigns/${campaignId}/dashboard`).set(api.as(login)).expect(200)).body as Dashboard;

/** The same aggregates, computed here from the raw tables with the reader's subtree. */
async function expected(login: Login) {
  const me = (await api.http.get('/auth/me').set(api.as(login)).expect(200)).body as { unitPath: string };
  const streams = (
    (await api.runtime.database.dataSource.query(
      'SELECT stream_id, stream_type, state, unit_id, unit_path, category, overdue FROM streams WHERE campaign_id = $1',
      [campaignId],
    )) as Array<Record<string, string | boolean>>
  ).filter((s) => String(s.unit_path).startsWith(me.unitPath));
  const items = streams.filter((s) => s.stream_type === 'item');
  const tally = <T>(rows: T[], key: (row: T) => string) => {
    const counts: Record<string, number> = {};
    for (const row of rows) counts[key(row)] = (counts[key(row)] ?? 0) + 1;
    return counts;
  };
  const resolved = ['dismissed', 'transferred', 'closed', 'lookBack'];
  const units = [...new Set(items.map((i) => String(i.unit_id)))];
  const events = (await api.runtime.database.dataSource.query(
    `SELECT stream_id, type, occurred_at FROM events WHERE type IN ('REGISTER', 'ACCEPT')`,
  )) as Array<{ stream_id: string; type: string; occurred_at: Date }>;
  const ids = new Set(items.map((i) => i.stream_id));
  const days: Record<string, { registered: number; closed: number }> = {};
  for (const e of events.filter((e) => ids.has(e.stream_id))) {
    const day = new Date(new Date(e.occurred_at).getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
    days[day] ??= { registered: 0, closed: 0 };
    days[day][e.type === 'REGISTER' ? 'registered' : 'closed'] += 1;
  }
  const escalations = streams.filter((s) => s.stream_type === 'escalation');
  return {
    byState: tally(items, (i) => String(i.state)),
    byCategory: tally(
      items.filter((i) => i.category !== null),
      (i) => String(i.category),
    ),
    byUnit: Object.fromEntries(
      units.map((u) => {
        const mine = items.filter((i) => i.unit_id === u);
        return [
          u,
          {
            total: mine.length,
            open: mine.filter((i) => !resolved.includes(String(i.state))).length,
            overdue: mine.filter((i) => i.overdue === true).length,
          },
        ];
      }),
    ),
    byMeasure: tally(escalations, (e) => String(e.category)),
    openByMeasure: tally(
      escalations.filter((e) => !['lifted', 'steppedUp'].includes(String(e.state))),
      (e) => String(e.category),
    ),
    trend: days,
  };
}

describe('GET /campaigns/:id/dashboard', () => {
  it.each(['supervisor', 'officer', 'officer.dt'] as const)(
    'counts every aggregate within the subtree of %s',
    async (login) => {
      const view = await dashboard(login);
      const want = await expected(login);
      expect(
        Object.fromEntries(view.byState.filter((s) => s.count > 0).map((s) => [s.state, s.count])),
      ).toEqual(want.byState);
      expect(Object.fromEntries(view.byCategory.map((k) => [k.category, k.count]))).toEqual(want.byCategory);
      expect(
        Object.fromEntries(
          view.byUnit.map((u) => [u.unitId, { total: u.total, open: u.open, overdue: u.overdue }]),
        ),
      ).toEqual(want.byUnit);
      expect(Object.fromEntries(view.escalationsByMeasure.map((m) => [m.measure, m.count]))).toEqual(
        want.byMeasure,
      );
      expect(
        Object.fromEntries(
          view.escalationsByMeasure.filter((m) => m.open > 0).map((m) => [m.measure, m.open]),
        ),
      ).toEqual(want.openByMeasure);
      expect(
        Object.fromEntries(view.trend.map((d) => [d.day, { registered: d.registered, closed: d.closed }])),
      ).toEqual(want.trend);
      expect(view.trend.map((d) => d.day)).toEqual([...view.trend.map((d) => d.day)].sort());
    },
  );

  it('shows the city everything and a county nothing of another county', async () => {
    const city = await dashboard('supervisor');
    const total = (d: Dashboard) => d.byState.reduce((n, s) => n + s.count, 0);
    expect(total(city)).toBe(6);
    expect(city.byState.find((s) => s.state === 'closed')).toMatchObject({ count: 1, label: '已销号' });
    expect(city.byUnit.find((u) => u.unitId === 'xn-hz')).toMatchObject({ total: 3, open: 2, overdue: 1 });
    expect(city.escalationsByMeasure.find((m) => m.measure === 'inquiry_letter')).toMatchObject({
      count: 2,
      open: 1,
      label: '函询',
    });
    expect(city.trend.find((d) => d.day === '2023-04-12')).toEqual({
      day: '2023-04-12',
      registered: 1,
      closed: 0,
    });
    const hz = await dashboard('officer');
    expect(total(hz)).toBe(4);
    expect(hz.byUnit.map((u) => u.unitId)).not.toContain('xn-dt');
    expect(hz.escalationsByMeasure.map((m) => m.measure)).toEqual(['inquiry_letter']);
    const dt = await dashboard('officer.dt');
    expect(total(dt)).toBe(2);
    expect(dt.byCategory).toEqual([
      { category: 'non_standard', label: '执法不规范', categoryLabel: '执法不规范', count: 1 },
    ]);
  });

  it('shows the campaign’s phase bar and open obligations', async () => {
    const { campaign } = await dashboard('auditor');
    expect(campaign).toMatchObject({ id: campaignId, phase: 'mobilize', phaseLabel: '动员部署' });
    expect(campaign.phases.map((p) => p.phase)).toEqual([
      'mobilize',
      'identify',
      'rectify',
      'summarize',
      'consolidate',
    ]);
    expect(campaign.phases.filter((p) => p.current).map((p) => p.phase)).toEqual(['mobilize']);
    expect(campaign.phases[0]).toMatchObject({ reached: true, label: '动员部署' });
    expect(campaign.phases[1]).toMatchObject({ reached: false });
    const stored = (await api.http.get(`/campaigns/${campaignId}`).set(api.as('auditor')).expect(200))
      .body as {
      context: {
        deadlines: Record<string, string>;
        obligations: Array<{ code: string; doneAt: string | null }>;
      };
    };
    expect(campaign.phases.map((p) => p.deadline)).toEqual(
      ['mobilize', 'identify', 'rectify', 'summarize', 'consolidate'].map(
        (p) => stored.context.deadlines[p] ?? null,
      ),
    );
    expect(campaign.openObligations.map((o) => o.code)).toEqual(
      stored.context.obligations.filter((o) => o.doneAt === null).map((o) => o.code),
    );
    expect(campaign.openObligations.length).toBeGreaterThan(0);
  });

  it('refuses unknown campaigns and anonymous callers', async () => {
    await api.http.get('/campaigns/none/dashboard').set(api.as('supervisor')).expect(404);
    await api.http.get(`/campaigns/${campaignId}/dashboard`).expect(401);
  });
});
