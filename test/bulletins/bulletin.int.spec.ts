import pdf from 'pdf-parse/lib/pdf-parse.js';
import type { Runtime } from '../../src/runtime/runtime';
import { buildBulletin, type Bulletin } from '../../src/bulletins/bulletin';
import { renderBulletinHtml } from '../../src/bulletins/bulletin-html';
import { closePdfBrowser, renderPdf } from '../../src/bulletins/bulletin-pdf';
import type { ManualClock } from '../../src/shared/clock';
import { campaignInput, createTestRuntime, supervisor } from '../support/fixtures';
import { expectedFigures, runScenario, type LogEntry } from './scenario';

const from = '2023-05-01T00:00:00.000Z';
const to = '2023-06-01T00:00:00.000Z';

describe('工作简报 (bulletin): figures by SQL, checked against the test’s own log', () => {
  let runtime: Runtime & { clock: ManualClock };
  let cityCampaign: string;
  let countyCampaign: string;
  let log: LogEntry[];
  let finalUnit: Map<string, string>;
  let bulletin: Bulletin;

  beforeAll(async () => {
    runtime = await createTestRuntime();
    cityCampaign = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
    countyCampaign = (
      await runtime.engine.create(
        'campaign',
        {
          ...campaignInput,
          name: '大通县专项整治 2023',
          unitId: 'xn-county-dt',
          parentCampaignId: cityCampaign,
        },
        supervisor,
      )
    ).streamId;
    const city = await runScenario(runtime, cityCampaign, ['xn-city', 'xn-county-hz', 'xn-hz-det'], 40, 7);
    const county = await runScenario(runtime, countyCampaign, ['xn-county-dt'], 15, 11);
    log = [...city.log, ...county.log];
    finalUnit = new Map([...city.finalUnit, ...county.finalUnit]);
    // Escalations (normally issued by the rules hook) created through the engine: one in the previous
    // period, two in this one, one of them in the county campaign.
    const escalate = (campaignId: string, measure: string, at: string) =>
      runtime.engine.create(
        'escalation',
        {
          campaignId,
          itemId: null,
          unitId: 'xn-county-hz',
          measure,
          target: { kind: 'unit', id: 'xn-county-hz' },
          respondBy: null,
          reason: '整治不力',
          ruleId: 'lying-flat',
          ruleTitle: '躺平式单位',
          ruleSetId: 'rs-test',
          ruleSetVersion: 1,
          provenance: null,
          overridden: null,
          trigger: { kind: 'clock', tick: at },
          stepsUpFrom: null,
        },
        { userId: 'rules', unitId: 'xn-city' },
        { at },
      );
    await escalate(cityCampaign, 'listed_supervision', '2023-04-20T00:00:00.000Z');
    await escalate(countyCampaign, 'listed_supervision', '2023-05-20T00:00:00.000Z');
    await escalate(cityCampaign, 'admonish', '2023-05-21T00:00:00.000Z');
    runtime.clock.set('2023-06-02T01:00:00.000Z');
    bulletin = await buildBulletin(runtime, { campaignId: cityCampaign, from, to, issue: '2023年第8期' });
  });
  afterAll(async () => {
    await closePdfBrowser();
    await runtime.database.close();
  });

  it('scenario sanity: some items changed after the period end, so as-of figures come from events', () => {
    expect(log.some((e) => Date.parse(e.at) > Date.parse(to))).toBe(true);
    expect(expectedFigures(log, to).overdue).toBeGreaterThan(0);
  });

  it('totals, now and at the end of the previous period, equal the log’s own count (county rolled up)', () => {
    expect(bulletin.totals.current).toEqual(expectedFigures(log, to));
    expect(bulletin.totals.previous).toEqual(expectedFigures(log, from));
  });

  it('by category and by unit branch', () => {
    for (const row of bulletin.byCategory) {
      expect(row.current).toEqual(
        expectedFigures(
          log,
          to,
          (e) =>
            e.category === row.key &&
            ['confirmed', 'rectifying', 'awaitingAcceptance', 'reopened', 'closed', 'lookBack'].includes(
              e.state,
            ),
        ),
      );
      expect(row.previous).toEqual(
        expectedFigures(
          log,
          from,
          (e) =>
            e.category === row.key &&
            ['confirmed', 'rectifying', 'awaitingAcceptance', 'reopened', 'closed', 'lookBack'].includes(
              e.state,
            ),
        ),
      );
    }
    expect(bulletin.byCategory.reduce((n, r) => n + r.current.confirmed, 0)).toBe(
      bulletin.totals.current.confirmed,
    );
    const branch = (unit: string) => (unit === 'xn-hz-det' ? 'xn-county-hz' : unit);
    expect(bulletin.byUnit.map((r) => r.key).sort()).toEqual(['xn-city', 'xn-county-dt', 'xn-county-hz']);
    for (const row of bulletin.byUnit) {
      expect(row.current).toEqual(
        expectedFigures(log, to, (e) => branch(finalUnit.get(e.itemId)!) === row.key),
      );
    }
    expect(bulletin.byUnit[0]!.label).toBe('西宁市交通运输局（本级）');
  });

  it('upward reporting: the county campaign is a row of the city bulletin and equals its own bulletin', async () => {
    expect(bulletin.byCampaign.map((r) => r.key)).toEqual([cityCampaign, countyCampaign]);
    const county = bulletin.byCampaign[1]!;
    expect(county.current).toEqual(expectedFigures(log, to, (e) => e.campaignId === countyCampaign));
    const own = await buildBulletin(runtime, { campaignId: countyCampaign, from, to });
    expect(own.totals.current).toEqual(county.current);
    expect(own.byCampaign).toEqual([]);
  });

  it('escalations by measure, and typical cases by the documented criterion', () => {
    expect(bulletin.escalations).toEqual([
      { measure: 'admonish', label: '约谈', inPeriod: 1, previousPeriod: 0, toDate: 1 },
      { measure: 'listed_supervision', label: '挂牌督办', inPeriod: 1, previousPeriod: 1, toDate: 2 },
    ]);
    const registered = new Map(
      log.filter((e) => e.type === 'REGISTER').map((e) => [e.itemId, Date.parse(e.at)]),
    );
    const accepted = log
      .filter(
        (e) =>
          e.type === 'ACCEPT' && Date.parse(e.at) > Date.parse(from) && Date.parse(e.at) <= Date.parse(to),
      )
      .sort(
        (a, b) =>
          Date.parse(a.at) - registered.get(a.itemId)! - (Date.parse(b.at) - registered.get(b.itemId)!) ||
          a.itemId.localeCompare(b.itemId),
      );
    expect(bulletin.cases.positive.map((c) => c.streamId)).toEqual(accepted.slice(0, 3).map((e) => e.itemId));
    const latest = new Map<string, LogEntry>();
    for (const e of log) if (Date.parse(e.at) <= Date.parse(to)) latest.set(e.itemId, e);
    const overdue = [...latest.values()]
      .filter(
        (e) => ['verifying', 'rectifying'].includes(e.state) && e.deadline && e.deadline < to && !e.longTerm,
      )
      .sort((a, b) => Date.parse(a.deadline!) - Date.parse(b.deadline!) || a.itemId.localeCompare(b.itemId));
    expect(bulletin.cases.negative.map((c) => c.streamId)).toEqual(overdue.slice(0, 3).map((e) => e.itemId));
  });

  it('renders HTML with Chinese headings and inline SVG, and a PDF whose text carries the figures', async () => {
    const html = renderBulletinHtml(bulletin);
    expect(html).toContain('工作简报');
    expect(html).toContain('一、总体情况');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|(src|href)=/);
    const document = await renderPdf(html);
    expect(document.subarray(0, 5).toString()).toBe('%PDF-');
    const { text, numpages } = await pdf(document);
    expect(numpages).toBeGreaterThan(0);
    const flat = text.replace(/\s+/g, '');
    const t = bulletin.totals;
    expect(flat).toContain(
      `共收集问题线索${t.current.clues}条（较上期+${t.current.clues - t.previous.clues}）`,
    );
    expect(flat).toContain(`逾期${t.current.overdue}${t.previous.overdue}`);
    expect(flat).toContain('一、总体情况');
    expect(flat).toContain('2023年第8期');
  });
});
