import { loadavg } from 'node:os';
import * as dashboardQueries from '../../src/persistence/dashboard';
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { hashPassword } from '../../src/api/auth/passwords';
import { createApiRuntime } from '../../src/api/runtime';
import { listen } from '../../src/api/server';
import type { Runtime } from '../../src/runtime/runtime';
import { campaignTemplates } from '../../src/machines/campaign-templates';
import { ManualClock } from '../../src/shared/clock';
import type { BenchMetric, BenchSuite } from '../types';
import { throwawayPostgres } from '../support/databases';

const ITEMS = Number(process.env.BENCH_CONSOLE_ITEMS ?? 100_000);
const NOW = '2023-07-01T00:00:00.000Z';
const STATES = [
  'registered',
  'verifying',
  'verifying',
  'confirmed',
  'rectifying',
  'rectifying',
  'rectifying',
  'rectifying',
  'awaitingAcceptance',
  'closed',
  'closed',
  'closed',
  'closed',
  'lookBack',
  'dismissed',
  'transferred',
  'reopened',
  'dismissalPending',
];

async function setUpDirectory(runtime: Runtime): Promise<void> {
  const hashing = { logN: 10, blockSize: 8, parallelism: 1 };
  await runtime.directory.createUnit({ id: 'bc', name: '市交通运输局', level: 'city' });
  for (let c = 0; c < 10; c++) {
    await runtime.directory.createUnit({
      id: `bc-c${c}`,
      name: `第${c + 1}县交通运输局`,
      level: 'county',
      parentId: 'bc',
    });
    for (let d = 0; d < 5; d++)
      await runtime.directory.createUnit({
        id: `bc-c${c}-d${d}`,
        name: `第${c + 1}县执法大队${d + 1}中队`,
        level: 'detachment',
        parentId: `bc-c${c}`,
      });
  }
  const passwordHash = await hashPassword('bench-password', hashing);
  const now = new Date(NOW);
  await runtime.directory.createUser(
    { id: 'b-sup', username: 'sup', displayName: '督导', role: 'supervisor', unitId: 'bc', passwordHash },
    now,
  );
  await runtime.directory.createUser(
    { id: 'b-off', username: 'off', displayName: '执法员', role: 'officer', unitId: 'bc-c3', passwordHash },
    now,
  );
}

/**
 * Items written straight as stream heads with their REGISTER (and, when closed, ACCEPT) events: what the
 * dashboard and the worklist read. The hash chain is not built (nothing here verifies it).
 */
async function writeItems(runtime: Runtime, campaignId: string): Promise<void> {
  await runtime.database.dataSource.query(
    `INSERT INTO streams (stream_id, stream_type, machine_version, version, state, snapshot, campaign_id, unit_id, unit_path,
       category, deadline, overdue, last_hash, created_at, updated_at)
     SELECT id, 'item', 1, 2, state,
            jsonb_build_object('value', state, 'status', 'active', 'context', jsonb_build_object(
              'itemId', id, 'campaignId', $1::text, 'reportedUnitId', unit,
              'clue', jsonb_build_object('source', 'hotline12328', 'description', '问题 ' || i || '：执法人员随意拦车、扣车，群众反映强烈。' || repeat('经初步了解，', 20)),
              'ledger', CASE WHEN state IN ('rectifying', 'awaitingAcceptance', 'closed', 'lookBack', 'reopened')
                             THEN jsonb_build_object('manifestation', '随意拦车 ' || i, 'measures', repeat('开展培训，', 30)) END)),
            $1::text, unit, '/bc/bc-c' || (i % 50 / 5) || '/' || unit || '/',
            CASE WHEN state NOT IN ('registered', 'verifying', 'dismissalPending', 'dismissed', 'transferred')
                 THEN (ARRAY['profit_driven','non_standard','rigid','rough','rent_seeking','regulatory_docs'])[1 + i % 6] END,
            deadline, deadline IS NOT NULL AND deadline < $2::timestamptz, 'x', registered, registered
       FROM (SELECT i, 'bi-' || lpad(i::text, 7, '0') AS id, 'bc-c' || (i % 50 / 5) || '-d' || (i % 5) AS unit,
                    ($3::text[])[1 + i % array_length($3::text[], 1)] AS state,
                    $2::timestamptz - make_interval(days => i % 180, secs => i % 86400) AS registered
               FROM generate_series(1, $4::int) AS i) g
       CROSS JOIN LATERAL (SELECT CASE WHEN g.state IN ('verifying', 'rectifying')
                                       THEN $2::timestamptz + make_interval(days => (i * 7919) % 120 - 30) END AS deadline) d`,
    [campaignId, NOW, STATES, ITEMS],
  );
  await runtime.database.dataSource.query(
    `INSERT INTO events (stream_id, sequence, type, payload, actor_id, unit_id, occurred_at, recorded_at, machine_version, body, prev_hash, hash)
     SELECT stream_id, 1, 'REGISTER', '{}'::jsonb, 'bench', unit_id, created_at, created_at, 1, '{}', 'x', 'x' FROM streams WHERE stream_type = 'item'
     UNION ALL
     SELECT stream_id, 2, 'ACCEPT', '{}'::jsonb, 'bench', unit_id, created_at + interval '20 days', created_at, 1, '{}', 'x', 'x'
       FROM streams WHERE stream_type = 'item' AND state IN ('closed', 'lookBack')`,
  );
  await runtime.database.dataSource.query(
    `INSERT INTO streams (stream_id, stream_type, machine_version, version, state, snapshot, campaign_id, unit_id, unit_path,
       category, deadline, overdue, last_hash, created_at, updated_at)
     SELECT 'be-' || i, 'escalation', 1, 1, (ARRAY['issued','acknowledged','lifted'])[1 + i % 3], '{}'::jsonb, $1::text,
            s.unit_id, s.unit_path, (ARRAY['remind','inquiry_letter','admonish','listed_supervision'])[1 + i % 4], NULL, false, 'x', now(), now()
       FROM generate_series(1, $2::int / 50) AS i JOIN streams s ON s.stream_id = 'bi-' || lpad(i::text, 7, '0')`,
    [campaignId, ITEMS],
  );
  // What autovacuum does to a table after a bulk load: statistics and the visibility map (index-only scans).
  await runtime.database.dataSource.query('VACUUM ANALYZE streams');
  await runtime.database.dataSource.query('VACUUM ANALYZE events');
}

/** With BENCH_CONSOLE_EXPLAIN=1: the plans of the dashboard's queries for the city, printed. */
async function explainDashboard(runtime: Runtime, campaignId: string): Promise<void> {
  const dashboard = dashboardQueries;
  const scope = { campaignId, subtreePattern: '/bc/%' };
  for (const [name, run] of Object.entries(dashboard)) {
    if (typeof run !== 'function') continue;
    const query = async <T>(sql: string, parameters?: unknown[]) => {
      const plan = (await runtime.database.dataSource.query(
        `EXPLAIN (ANALYZE, BUFFERS) ${sql}`,
        parameters,
      )) as Array<Record<string, string>>;
      console.log(`## ${name}\n${plan.map((r) => Object.values(r)[0]).join('\n')}`);
      return [] as T[];
    };
    await (run as (q: typeof query, s: typeof scope) => Promise<unknown>)(query, scope);
  }
}

/** Median of `runs` loopback round trips of a GET (after one warm-up), in ms. */
async function timeGet(url: string, token: string, runs = 7): Promise<number> {
  const once = async () => {
    const started = process.hrtime.bigint();
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };
  await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once());
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

/**
 * `npm run bench -- console-api`: the console's server-side reads on a PostgreSQL database with 100,000
 * items (`BENCH_CONSOLE_ITEMS`): the campaign dashboard and the worklist, as loopback round trips.
 */
export const consoleApiSuite: BenchSuite = {
  name: 'console-api',
  async run(): Promise<BenchMetric[]> {
    const database = await throwawayPostgres(10);
    try {
      const runtime = await createApiRuntime(database, { clock: new ManualClock(NOW) });
      await setUpDirectory(runtime);
      const template = campaignTemplates['xining-2023']!;
      const campaignId = (
        await runtime.engine.create(
          'campaign',
          { ...template, unitId: 'bc' },
          { userId: 'b-sup', unitId: 'bc' },
          {
            at: '2023-01-01T00:00:00.000Z',
          },
        )
      ).streamId;
      const loading = Date.now();
      await writeItems(runtime, campaignId);
      console.log(`  (fixture: ${ITEMS} items in ${((Date.now() - loading) / 1000).toFixed(1)} s)`);
      if (process.env.BENCH_CONSOLE_EXPLAIN) await explainDashboard(runtime, campaignId);
      const app = createApp(runtime, {
        auth: {
          jwtSecret: new TextEncoder().encode('bench-secret-that-is-at-least-32-bytes'),
          passwordHashing: { logN: 10, blockSize: 8, parallelism: 1 },
        },
        logger: pino({ level: 'silent' }),
      });
      const server = await listen(app, 0);
      try {
        const login = async (username: string) => {
          const response = await fetch(`${server.url}/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username, password: 'bench-password' }),
          });
          return ((await response.json()) as { accessToken: string }).accessToken;
        };
        const [sup, off] = [await login('sup'), await login('off')];
        const measured: Array<[string, string, string, number]> = [
          ['dashboard (city supervisor, all items)', `/campaigns/${campaignId}/dashboard`, sup, 300],
          ['dashboard (county officer, its subtree)', `/campaigns/${campaignId}/dashboard`, off, 300],
          ['worklist first page (city supervisor)', '/worklist?limit=50', sup, 300],
          ['worklist first page (county officer)', '/worklist?limit=50', off, 300],
          ['worklist page 100 (county officer)', '/worklist?limit=50&offset=5000', off, 300],
          [
            'worklist search q (county officer)',
            `/worklist?q=${encodeURIComponent('随意拦车 1234')}`,
            off,
            300,
          ],
        ];
        const metrics: BenchMetric[] = [];
        for (const [metric, path, token, target] of measured) {
          const value = await timeGet(`${server.url}${path}`, token);
          metrics.push({
            metric: `${metric}, ${ITEMS} items`,
            value,
            unit: 'ms',
            target: `< ${target} ms`,
            met: value < target,
          });
        }
        metrics.push({ metric: 'load average (1 min) after the run', value: loadavg()[0]!, unit: '' });
        return metrics;
      } finally {
        await server.close();
      }
    } finally {
      await database.close();
    }
  },
};
