/**
 * `npm run bench -- cluster`: command throughput through HAProxy with 1, 2 and 3 `zhengzhi serve --cluster`
 * nodes on one PostgreSQL, against one node without the balancer measured in the same run (before and after
 * the balanced runs, averaged, so that drift of the machine does not favour either side); and `/healthz`
 * latency through the balancer while hostile workbooks are being refused. On 2 cores more nodes cannot add
 * throughput: what the suite reports is the overhead of the balancer and of more processes.
 */
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createApiRuntime } from '../../src/api/runtime';
import { demoLogins, loadDemoDirectory } from '../../src/demo/load-demo';
import type { BenchMetric, BenchSuite } from '../types';
import {
  clusterToolsPresent,
  freePort,
  startBalancer,
  startNode,
  stopNode,
  type Node,
} from '../support/cluster';
import { throwawayPostgres } from '../support/databases';
import { itemsInRectification } from '../support/rectifying-items';
import { hostileWorkbook } from '../support/hostile-workbook';

const CONNECTIONS = 16;
const SECONDS = Number(process.env.BENCH_CLUSTER_SECONDS ?? 8);
const ITEMS = 2_000;
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

function cannon(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function login(base: string, username: string): Promise<string> {
  const response = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: demoLogins.password }),
  });
  if (!response.ok) throw new Error(`login as ${username}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** Commands per second (2xx only) of a closed loop: `record-progress` round-robin over rectifying items. */
async function commandsPerSecond(base: string, token: string, items: string[], seconds: number) {
  let next = 0;
  const result = await cannon({
    url: base,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ note: '整改推进中', evidence: ['照片.jpg'] }),
        setupRequest: (request: autocannon.Request) => ({
          ...request,
          path: `/items/${items[next++ % items.length]}/commands/record-progress`,
        }),
      },
    ],
  });
  // A busy database may answer 503 + Retry-After (the fault suite shows such answers are safe); only
  // acknowledged commands count, and a run where more than 1% were refused is not a throughput figure.
  const answered = result['2xx'] + result.non2xx + result.errors;
  if (result.non2xx + result.errors > answered * 0.01)
    throw new Error(
      `the load was refused: ${result.non2xx} non-2xx (${JSON.stringify(result.statusCodeStats)}), ${result.errors} errors`,
    );
  return result['2xx'] / (result.duration || seconds);
}

/** `/healthz` every 10 ms through `base` while three hostile workbooks are uploaded at once, twice over. */
async function healthDuringHostileUploads(base: string, supervisor: string, campaignId: string) {
  const bomb = hostileWorkbook();
  const latencies: number[] = [];
  let uploading = true;
  const probe = (async () => {
    while (uploading) {
      const started = performance.now();
      const response = await fetch(`${base}/healthz`);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`/healthz answered ${response.status}`);
      latencies.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  const statuses: number[] = [];
  for (let round = 0; round < 2; round++)
    statuses.push(
      ...(await Promise.all(
        [0, 1, 2].map(async () => {
          const response = await fetch(`${base}/campaigns/${campaignId}/ledger/upload?fileName=bomb.xlsx`, {
            method: 'POST',
            headers: { 'content-type': XLSX, authorization: `Bearer ${supervisor}` },
            body: bomb,
          });
          await response.arrayBuffer();
          return response.status;
        }),
      )),
    );
  uploading = false;
  await probe;
  if (statuses.some((status) => status !== 413))
    throw new Error(`hostile workbooks were not refused with 413: ${statuses.join(', ')}`);
  latencies.sort((a, b) => a - b);
  return {
    p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!,
    n: latencies.length,
  };
}

export const clusterSuite: BenchSuite = {
  name: 'cluster',
  async run(): Promise<BenchMetric[]> {
    if (!clusterToolsPresent) throw new Error('the cluster suite needs haproxy and PostgreSQL 15 tools');
    const database = await throwawayPostgres(4);
    const runtime = await createApiRuntime(database);
    await loadDemoDirectory(runtime, { logN: 10, blockSize: 8, parallelism: 1 });
    const { campaignId, itemIds: items } = await itemsInRectification(runtime, ITEMS);

    const entry = join(process.cwd(), 'bin', 'zhengzhi.js');
    const env = { ZHENGZHI_JWT_SECRET: randomBytes(32).toString('hex') };
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    const nodes: Node[] = [];
    const balancers: Array<Awaited<ReturnType<typeof startBalancer>>> = [];
    try {
      for (const port of ports)
        nodes.push(await startNode(database.url, port, env, { entry, args: ['--no-scheduler'] }));
      const direct = `http://127.0.0.1:${ports[0]}`;
      const token = await login(direct, 'officer');
      await commandsPerSecond(direct, token, items, 3); // warm-up: JIT and pools of every path below
      const oneNodeBefore = await commandsPerSecond(direct, token, items, SECONDS);
      const balanced: number[] = [];
      for (const count of [1, 2, 3]) {
        const balancer = await startBalancer(ports.slice(0, count));
        balancers.push(balancer);
        const base = `http://127.0.0.1:${balancer.port}`;
        await commandsPerSecond(base, token, items, 2);
        balanced.push(await commandsPerSecond(base, token, items, SECONDS));
      }
      const oneNodeAfter = await commandsPerSecond(direct, token, items, SECONDS);
      const baseline = {
        name: 'one node without balancer (mean of before and after)',
        value: (oneNodeBefore + oneNodeAfter) / 2,
      };
      const supervisor = await login(direct, 'supervisor');
      const health = await healthDuringHostileUploads(
        `http://127.0.0.1:${balancers[2]!.port}`,
        supervisor,
        campaignId,
      );
      const [one, five] = loadavg();
      const context = `${cpus().length} cores, load ${one!.toFixed(2)}/${five!.toFixed(2)}${one! > cpus().length ? ' (noisy)' : ''}`;
      return [
        ...balanced.map((value, index) => ({
          metric: `commands/s through HAProxy, ${index + 1} node(s), ${CONNECTIONS} connections, ${SECONDS} s (${context})`,
          value,
          unit: 'commands/s',
          baseline,
          ratio: value / baseline.value,
          target: '>= 0.9 of one node without the balancer',
          met: value / baseline.value >= 0.9,
        })),
        {
          metric: `/healthz p99 through HAProxy while 6 hostile workbooks are refused (${health.n} probes; ${context})`,
          value: health.p99,
          unit: 'ms',
          target: '< 50 ms',
          met: health.p99 < 50,
        },
      ];
    } finally {
      await Promise.all(balancers.map((balancer) => balancer.stop()));
      await Promise.all(nodes.map(stopNode));
      await database.close().catch(() => undefined);
    }
  },
};
