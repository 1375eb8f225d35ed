import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createApiRuntime } from '../../src/api/runtime';
import { loadDemoDirectory, demoLogins } from '../../src/demo/load-demo';
import type { Runtime } from '../../src/runtime/runtime';
import { campaignTemplates } from '../../src/machines/campaign-templates';
import type { BenchMetric, BenchSuite } from '../types';
import { runConcurrently, throwawayPostgres } from '../support/databases';

const CONCURRENCY = 10;
const ITEMS_PER_SET = 300;
const ROUNDS = 3;
const PER_ROUND = 1000;
const officer = { userId: 'u-officer', unitId: 'xn-hz' };
const progress = { note: '整改推进中', evidence: ['照片.jpg'] };

/** A campaign with the seed rules and `sets` groups of items in rectification, all in 湟中区. */
async function seed(runtime: Runtime, sets: number): Promise<{ campaignId: string; itemSets: string[][] }> {
  await loadDemoDirectory(runtime, { logN: 10, blockSize: 8, parallelism: 1 });
  const supervisor = { userId: 'u-supervisor', unitId: 'xn-city' };
  const campaign = await runtime.engine.create(
    'campaign',
    { ...campaignTemplates['xining-2023']!, unitId: 'xn-city' },
    supervisor,
  );
  // Without a published rule set the rules hook costs one lookup per event: the suite measures the API
  // layer against the engine; rule evaluation has its own suite. BENCH_API_RULES=1 publishes the seed rules.
  if (process.env.BENCH_API_RULES === '1') {
    const rules = readFileSync(join(process.cwd(), 'rules', 'xining-2023.rules'), 'utf8');
    await runtime.ruleSets.publish(campaign.streamId, rules, supervisor, '2023-01-01T00:00:00.000Z');
  }
  const ids: string[] = [];
  await runConcurrently(sets * ITEMS_PER_SET, CONCURRENCY, async (i) => {
    const item = await runtime.engine.create(
      'item',
      {
        campaignId: campaign.streamId,
        reportedUnitId: 'xn-hz',
        source: 'hotline12328',
        description: `线索 ${i}`,
        receivedAt: '2023-04-09T00:00:00.000Z',
      },
      officer,
    );
    const id = item.streamId;
    await runtime.engine.execute(
      id,
      {
        type: 'ASSIGN_VERIFICATION',
        unitId: 'xn-hz',
        officerId: 'u-officer',
        deadline: '2030-05-01T00:00:00.000Z',
      },
      officer,
    );
    await runtime.engine.execute(
      id,
      { type: 'CONFIRM', category: 'non_standard', severity: 'general', findings: '查实' },
      officer,
    );
    await runtime.engine.execute(
      id,
      {
        type: 'START_RECTIFICATION',
        manifestation: '随意拦车',
        measures: '培训',
        responsibleUnitId: 'xn-hz',
        responsiblePerson: '张三',
        deadline: '2030-08-01T00:00:00.000Z',
      },
      officer,
    );
    ids[i] = id;
  });
  return {
    campaignId: campaign.streamId,
    itemSets: Array.from({ length: sets }, (_, s) => ids.slice(s * ITEMS_PER_SET, (s + 1) * ITEMS_PER_SET)),
  };
}

/** Starts the API server in its own process (so the load generator does not share its event loop). */
async function startServer(url: string, secret: string): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(join(__dirname, 'api-server.js'), [], {
    env: { ...process.env, DATABASE_URL: url, ZHENGZHI_JWT_SECRET: secret },
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`the API server exited with ${code}`)));
  });
  return { child, port };
}

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** Round-robin over a set of items, so concurrent requests hit different streams. */
function commandRequests(items: string[], token: string, start = 0): autocannon.Request[] {
  let next = start;
  return [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(progress),
      setupRequest: (request: autocannon.Request) => ({
        ...request,
        path: `/items/${items[next++ % items.length]}/commands/record-progress`,
      }),
    },
  ];
}

const okCount = (r: autocannon.Result) => r['2xx'];

/**
 * The HTTP API on PostgreSQL: an item command and a filtered list through real HTTP on loopback, compared
 * with the engine's own command throughput (same command, same database, same concurrency) in the same run,
 * and the command latency at a fixed 500 requests/s.
 */
export const apiSuite: BenchSuite = {
  name: 'api',
  async run(): Promise<BenchMetric[]> {
    const database = await throwawayPostgres(CONCURRENCY);
    const runtime = await createApiRuntime(database);
    const { campaignId, itemSets } = await seed(runtime, 3);
    const [engineItems, httpItems, rateItems] = itemSets as [string[], string[], string[]];

    const secret = randomBytes(32).toString('hex');
    const { child, port } = await startServer(database.url, secret);
    const base = `http://127.0.0.1:${port}`;
    try {
      const login = await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'officer', password: demoLogins.password }),
      });
      const token = ((await login.json()) as { accessToken: string }).accessToken;

      // Warm-up (JIT, pool connections), on the rate set: it gets the same number of commands per item as the others.
      await cannon({
        url: base,
        connections: CONCURRENCY,
        amount: 300,
        requests: commandRequests(rateItems, token),
      });

      // Engine and HTTP alternate in rounds, so that load from elsewhere on the machine hits both alike.
      let engineSeconds = 0;
      let httpSeconds = 0;
      let httpOk = 0;
      let commands: autocannon.Result | undefined;
      let commandFailures = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const offset = round * PER_ROUND;
        engineSeconds += await runConcurrently(PER_ROUND, CONCURRENCY, (i) =>
          runtime.engine.execute(
            engineItems[(offset + i) % engineItems.length]!,
            { type: 'RECORD_PROGRESS', ...progress },
            officer,
          ),
        );
        const started = process.hrtime.bigint();
        commands = await cannon({
          url: base,
          connections: CONCURRENCY,
          amount: PER_ROUND,
          requests: commandRequests(httpItems, token, offset),
        });
        httpSeconds += Number(process.hrtime.bigint() - started) / 1e9;
        httpOk += okCount(commands);
        commandFailures += commands.non2xx + commands.errors;
      }
      const engineRate = (ROUNDS * PER_ROUND) / engineSeconds;
      const httpRate = httpOk / httpSeconds;

      const list = await cannon({
        url: `${base}/items?state=rectifying&campaignId=${campaignId}&unitId=xn-hz&overdue=false&limit=20`,
        connections: CONCURRENCY,
        duration: 5,
        headers: { authorization: `Bearer ${token}` },
      });

      const paced = await cannon({
        url: base,
        connections: CONCURRENCY,
        overallRate: 500,
        duration: 10,
        requests: commandRequests(rateItems, token),
      });

      const failures = commandFailures + list.non2xx + list.errors + paced.non2xx + paced.errors;
      const ratio = httpRate / engineRate;
      return [
        {
          metric: 'engine command throughput (RECORD_PROGRESS, no HTTP)',
          value: engineRate,
          unit: 'commands/s',
        },
        {
          metric: `HTTP item command throughput (POST /items/:id/commands/record-progress, ${CONCURRENCY} connections)`,
          value: httpRate,
          unit: 'requests/s',
          baseline: { name: 'engine without HTTP', value: engineRate },
          ratio,
          target: '>= 0.6 of the engine',
          met: ratio >= 0.6,
        },
        { metric: 'HTTP item command latency p50 (last round)', value: commands!.latency.p50, unit: 'ms' },
        { metric: 'HTTP item command latency p99 (last round)', value: commands!.latency.p99, unit: 'ms' },
        // Other processes on the machine (tests, other suites) move every figure; this says how busy it was.
        {
          metric: 'machine load average (1 min) at the end of the run',
          value: loadavg()[0]!,
          unit: `runnable tasks on ${cpus().length} CPUs`,
        },
        {
          metric: `HTTP filtered list throughput (GET /items?state&campaignId&unitId&overdue, ${CONCURRENCY} connections)`,
          value: list.requests.average,
          unit: 'requests/s',
        },
        { metric: 'HTTP filtered list latency p50', value: list.latency.p50, unit: 'ms' },
        { metric: 'HTTP filtered list latency p99', value: list.latency.p99, unit: 'ms' },
        {
          metric: 'HTTP item command achieved rate at overallRate 500',
          value: okCount(paced) / (paced.duration || 1),
          unit: 'requests/s',
        },
        { metric: 'HTTP item command latency p50 at 500 requests/s', value: paced.latency.p50, unit: 'ms' },
        {
          metric: 'HTTP item command latency p99 at 500 requests/s',
          value: paced.latency.p99,
          unit: 'ms',
          target: '< 25 ms',
          met: paced.latency.p99 < 25,
        },
        {
          metric: 'failed requests (non-2xx or errors) across the HTTP runs',
          value: failures,
          unit: 'requests',
          target: '0',
          met: failures === 0,
        },
      ];
    } finally {
      child.send('stop');
      await new Promise((resolve) => child.once('exit', resolve));
      await database.close();
    }
  },
};
