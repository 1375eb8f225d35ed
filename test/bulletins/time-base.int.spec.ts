import { closePdfBrowser } from '../../src/bulletins/bulletin-pdf';
import { instantOf } from '../../src/cli/ledger-commands';
import { demoLogins } from '../../src/demo/load-demo';
import { clue, createXiningCampaign, startApi, type ApiHarness } from '../api/support';

/**
 * Bulletins with one time base: figures by when things happened (event time), whenever they were recorded;
 * date-only periods as Asia/Shanghai days in the CLI and over HTTP; PDF on a machine without Chromium.
 */
describe('bulletin time base, periods and PDF availability', () => {
  let api: ApiHarness;
  let campaignId: string;
  beforeAll(async () => {
    api = await startApi();
    campaignId = await createXiningCampaign(api);
    // Clues and decisions that happened in May, June and July 2023, all recorded now (years later): the
    // engine takes the instant each happened (as an import or a late entry does).
    const officer = { userId: 'u-officer', unitId: 'xn-hz' };
    // Recorded on 1 August (after everything happened); the supervisor logs in again that day.
    api.runtime.clock.set('2023-08-01T02:00:00.000Z');
    const login = await api.http
      .post('/auth/login')
      .send({ username: 'supervisor', password: demoLogins.password })
      .expect(200);
    api.tokens.supervisor = login.body.accessToken as string;
    const register = async (at: string) =>
      (await api.runtime.engine.create('item', clue(campaignId), officer, { at })).streamId;
    const may = await register('2023-05-20T02:00:00.000Z');
    const june1 = await register('2023-06-05T02:00:00.000Z');
    await register('2023-06-05T03:00:00.000Z');
    const june3 = await register('2023-06-30T15:00:00.000Z'); // 23:00 on 30 June in Shanghai: still June
    await register('2023-06-30T16:30:00.000Z'); // 00:30 on 1 July in Shanghai
    for (const [id, at, deadline] of [
      [may, '2023-06-10T02:00:00.000Z', '2023-06-20T00:00:00.000Z'],
      [june1, '2023-06-12T02:00:00.000Z', '2023-06-20T00:00:00.000Z'],
      [june3, '2023-07-02T02:00:00.000Z', '2023-07-20T00:00:00.000Z'],
    ] as const) {
      const command = { type: 'ASSIGN_VERIFICATION', unitId: 'xn-hz', officerId: 'u-officer', deadline };
      await api.runtime.engine.execute(id, command, officer, { at });
    }
  }, 90_000);
  afterAll(async () => {
    await closePdfBrowser();
    await api.close();
  });

  const bulletin = (from: string, to: string, format = 'json') =>
    api.http.get(`/campaigns/${campaignId}/bulletin`).query({ from, to, format }).set(api.as('supervisor'));

  it('counts a past period by event time, equal to counts computed from the events', async () => {
    const response = await bulletin('2023-06-01', '2023-06-30').expect(200);
    const end = response.body.period.to as string;
    const [counted] = await api.runtime.database.dataSource.query(
      `SELECT count(*) FILTER (WHERE e.type = 'REGISTER') AS clues,
              count(DISTINCT e.stream_id) FILTER (WHERE e.type = 'ASSIGN_VERIFICATION') AS assigned
         FROM events e JOIN streams s ON s.stream_id = e.stream_id
        WHERE s.stream_type = 'item' AND s.campaign_id = $1 AND e.occurred_at <= $2`,
      [campaignId, end],
    );
    expect(Number(counted.clues)).toBe(4);
    expect(response.body.totals.current.clues).toBe(Number(counted.clues));
    // 核查中 groups registered and verifying: every clue of June is still being verified at its end;
    // the two assigned in June with a 20 June deadline are overdue by 30 June (derived from the deadline).
    expect(response.body.totals.current.verifying).toBe(4);
    expect(Number(counted.assigned)).toBe(2);
    expect(response.body.totals.current.overdue).toBe(2);
    // The previous period (May) saw one clue.
    expect(response.body.totals.previous.clues).toBe(1);
  });

  it('reads date-only periods as Asia/Shanghai days, the same in the CLI and over HTTP; 上期 ends the day before', async () => {
    const response = await bulletin('2023-06-01', '2023-06-30').expect(200);
    expect(response.body.period).toEqual({
      from: instantOf('2023-06-01', '--from', false),
      to: instantOf('2023-06-30', '--to', true),
      previousFrom: '2023-05-01T16:00:00.000Z',
      previousTo: '2023-05-31T15:59:59.999Z',
    });
    expect(response.body.period.from).toBe('2023-05-31T16:00:00.000Z');
    const html = (await bulletin('2023-06-01', '2023-06-30', 'html').expect(200)).text;
    expect(html).toContain('统计期间：2023年6月1日至2023年6月30日；上期：2023年5月2日至2023年5月31日');
  });

  it('answers a PDF request on a machine without Chromium with 503 problem+json naming the package', async () => {
    const saved = process.env.ZHENGZHI_CHROMIUM;
    process.env.ZHENGZHI_CHROMIUM = '/nonexistent/chromium';
    try {
      const response = await bulletin('2023-06-01', '2023-06-30', 'pdf').expect(503);
      expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(response.body).toMatchObject({
        type: 'urn:zhengzhi:problem:unavailable',
        install: 'apt-get install chromium fonts-noto-cjk',
        missingPackages: ['chromium', 'fonts-noto-cjk'],
      });
      expect(response.body.detail).toContain('/nonexistent/chromium');
      const zh = await bulletin('2023-06-01', '2023-06-30', 'pdf')
        .set('Accept-Language', 'zh-CN')
        .expect(503);
      expect(zh.body.title).toBe('服务暂不可用');
    } finally {
      if (saved === undefined) delete process.env.ZHENGZHI_CHROMIUM;
      else process.env.ZHENGZHI_CHROMIUM = saved;
    }
  });
});
