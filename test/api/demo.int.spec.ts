import { createApiRuntime } from '../../src/api/runtime';
import { loadDemo } from '../../src/demo/load-demo';
import { xiningChecklist } from '../../src/demo/xining-checklist';
import type { Runtime } from '../../src/runtime/runtime';
import { createTestDatabase } from '../support/database';
import { testHashing } from './support';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await createApiRuntime(await createTestDatabase());
});
afterAll(() => runtime.database.close());

describe('demo data', () => {
  it('transcribes the 36-item checklist of seed 002 under 16 headings in 6 areas', () => {
    expect(xiningChecklist.map((c) => c.number)).toEqual(Array.from({ length: 36 }, (_, i) => i + 1));
    expect(new Set(xiningChecklist.map((c) => c.heading)).size).toBe(16);
    expect(new Set(xiningChecklist.map((c) => c.area)).size).toBe(6);
    expect(xiningChecklist[3]!.text).toContain('轻微违法免罚清单');
  });

  it('loads the Xining campaign, units, users, items across states and escalations into an empty database, once', async () => {
    const result = await loadDemo(runtime, testHashing);
    expect(result).toMatchObject({ loaded: true, campaignId: 'xn-2023', items: 30 });
    const campaign = await runtime.store.loadStream('xn-2023');
    expect(campaign!.state).toBe('rectify');
    const context = campaign!.snapshot.context as {
      categories: unknown[];
      checklist: unknown[];
      deadlines: Record<string, string>;
    };
    expect(context.categories).toHaveLength(6);
    expect(context.checklist).toHaveLength(36);
    expect(Object.keys(context.deadlines)).toEqual(
      expect.arrayContaining(['mobilize', 'identify', 'rectify', 'summarize']),
    );
    const states = (await runtime.database.dataSource.query(
      `SELECT state, count(*)::int AS n FROM streams WHERE stream_type = 'item' GROUP BY state`,
    )) as Array<{ state: string; n: number }>;
    expect(states.map((s) => s.state).sort()).toEqual(
      [
        'awaitingAcceptance',
        'closed',
        'confirmed',
        'dismissalPending',
        'dismissed',
        'lookBack',
        'rectifying',
        'registered',
        'transferred',
        'verifying',
      ].sort(),
    );
    const measures = (await runtime.database.dataSource.query(
      `SELECT DISTINCT category FROM streams WHERE stream_type = 'escalation'`,
    )) as Array<{ category: string }>;
    expect(measures.map((m) => m.category)).toEqual(
      expect.arrayContaining(['hold_accountable', 'inquiry_letter']),
    );
    if (result.loaded) expect(result.escalations).toBeGreaterThanOrEqual(measures.length);
    // Every ledger column filled somewhere: 反映渠道 on every clue, 问责情况 on rectified and overdue items,
    // and a 挂牌督办 with its follow-up ledger.
    const [filled] = (await runtime.database.dataSource.query(
      `SELECT count(*) FILTER (WHERE snapshot #>> '{context,clue,channel}' IS NULL)::int AS without_channel,
              count(*) FILTER (WHERE snapshot #>> '{context,ledger,accountability}' IS NOT NULL)::int AS with_accountability
         FROM streams WHERE stream_type = 'item'`,
    )) as Array<{ without_channel: number; with_accountability: number }>;
    expect(filled!.without_channel).toBe(0);
    expect(filled!.with_accountability).toBeGreaterThan(0);
    const [listed] = (await runtime.database.dataSource.query(
      `SELECT jsonb_array_length(snapshot -> 'context' -> 'followUps')::int AS follow_ups FROM streams
        WHERE stream_type = 'escalation' AND category = 'listed_supervision' AND snapshot #>> '{context,itemId}' IS NOT NULL`,
    )) as Array<{ follow_ups: number }>;
    expect(listed!.follow_ups).toBe(2);
    const roles = (await runtime.database.dataSource.query(`SELECT DISTINCT role FROM users`)) as Array<{
      role: string;
    }>;
    expect(roles.map((r) => r.role).sort()).toEqual(['auditor', 'officer', 'supervisor']);
    expect(await loadDemo(runtime, testHashing)).toEqual({
      loaded: false,
      reason: 'the database is not empty',
    });
  });
});
