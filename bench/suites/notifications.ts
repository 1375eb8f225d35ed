import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { createRuntime, type Runtime } from '../../src/runtime/runtime';
import { campaignTemplates } from '../../src/machines/campaign-templates';
import { createDispatcher, notificationService, startNotificationLoop } from '../../src/notifications';
import { WEBHOOK_HEADERS } from '../../src/notifications/signature';
import type { BenchMetric, BenchSuite } from '../types';
import { runConcurrently, throwawayPostgres } from '../support/databases';

const actor = { userId: 'bench', unitId: 'bench-city' };

/**
 * The receiving system's code, run in a child process of its own (as a real receiver would be): it
 * answers 204 and remembers when each message id first arrived (wall clock); `GET /stats` reports.
 */
const RECEIVER_SOURCE = `
const http = require('node:http');
const firstSeen = {};
let total = 0;
let distinct = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'GET') {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify(req.url === '/count' ? { total, distinct } : { total, firstSeen }));
    return;
  }
  req.resume();
  req.on('end', () => {
    total++;
    const id = String(req.headers['${WEBHOOK_HEADERS.id}']);
    if (!(id in firstSeen)) { firstSeen[id] = Date.now(); distinct++; }
    res.writeHead(204).end();
  });
});
server.keepAliveTimeout = 5000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

interface ReceiverStats {
  total: number;
  firstSeen: Record<string, number>;
}

interface Receiver {
  url: string;
  distinct(): Promise<number>;
  stats(): Promise<ReceiverStats>;
  close(): void;
}

async function startReceiver(): Promise<Receiver> {
  const child: ChildProcess = spawn(process.execPath, ['-e', RECEIVER_SOURCE], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once('exit', () => reject(new Error('the webhook receiver exited')));
  });
  const url = `http://127.0.0.1:${port}/hook`;
  return {
    url,
    distinct: async () =>
      ((await (await fetch(`http://127.0.0.1:${port}/count`)).json()) as { distinct: number }).distinct,
    stats: async () => (await (await fetch(url)).json()) as ReceiverStats,
    close: () => child.kill('SIGTERM'),
  };
}

async function seedCampaign(runtime: Runtime): Promise<string> {
  await runtime.directory.createUnit({ id: 'bench-city', name: '市局', level: 'city' });
  const template = campaignTemplates['xining-2023']!;
  return (await runtime.engine.create('campaign', { ...template, unitId: 'bench-city' }, actor)).streamId;
}

const newItem = (campaignId: string, i: number) => ({
  campaignId,
  reportedUnitId: 'bench-city',
  source: 'hotline12328',
  description: `线索 ${i}`,
  receivedAt: '2023-04-09T00:00:00.000Z',
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/**
 * Engine load with the dispatchers running: items are registered by `workers` concurrent clients, each
 * registration's commit instant is noted, and the webhook receiver notes when its message arrives.
 */
async function engineLoad(
  runtime: Runtime,
  campaignId: string,
  count: number,
  workers: number,
  offset: number,
  committedAt: Map<string, number>,
  ratePerSecond?: number,
): Promise<number> {
  const started = performance.now();
  return runConcurrently(count, workers, async (i) => {
    if (ratePerSecond) {
      const due = started + (i / ratePerSecond) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    const created = await runtime.engine.create('item', newItem(campaignId, offset + i), actor);
    committedAt.set(`evt:${created.streamId}:1`, Date.now());
  });
}

/** Polls the receiver until `count` distinct messages arrived (or the timeout); returns its stats then. */
async function arrived(hook: Receiver, count: number, timeoutMs: number): Promise<ReceiverStats> {
  const deadline = performance.now() + timeoutMs;
  while ((await hook.distinct()) < count && performance.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  return hook.stats();
}

export const notificationsSuite: BenchSuite = {
  name: 'notifications',
  async run(): Promise<BenchMetric[]> {
    const backlog = Number(process.env.BENCH_NOTIFY_BACKLOG ?? 20_000);
    const steady = Number(process.env.BENCH_NOTIFY_STEADY ?? 6_000);
    const steadyRate = Number(process.env.BENCH_NOTIFY_RATE ?? 400);
    const pg = await throwawayPostgres(12);
    const hook = await startReceiver();
    try {
      const runtime = createRuntime(pg);
      const campaignId = await seedCampaign(runtime);
      await notificationService(runtime).saveEndpoint({
        id: 'bench-hook',
        kind: 'webhook',
        url: hook.url,
        secret: 'bench-signing-secret-0123456789',
        topics: ['event.item.*'],
      });

      // 1. Throughput: a backlog of event messages written by the engine, drained by two dispatchers
      //    while the engine keeps registering items (its own load) in the same process and database.
      const backlogCommits = new Map<string, number>();
      await engineLoad(runtime, campaignId, backlog, 8, 0, backlogCommits);
      const dispatchers = [0, 1].map((n) =>
        createDispatcher(runtime, { name: `bench-${n}`, batchSize: 500, concurrency: 48 }),
      );
      const loadCommits = new Map<string, number>();
      const drainStart = Date.now();
      const loops = dispatchers.map((dispatcher) =>
        startNotificationLoop(
          { dispatcher, store: runtime.store, outbox: runtime.notifications, clock: runtime.clock },
          { idleMs: 20, clockEveryMs: 3_600_000 },
        ),
      );
      let draining = true;
      const loadDuring = (async () => {
        const started = performance.now();
        await Promise.all(
          Array.from({ length: 4 }, async () => {
            while (draining) {
              const created = await runtime.engine.create('item', newItem(campaignId, -1), actor);
              loadCommits.set(`evt:${created.streamId}:1`, Date.now());
            }
          }),
        );
        return loadCommits.size / ((performance.now() - started) / 1000);
      })();
      let drained = await arrived(hook, backlog, 180_000);
      while (![...backlogCommits.keys()].every((id) => id in drained.firstSeen)) {
        await new Promise((r) => setTimeout(r, 50));
        drained = await hook.stats();
      }
      draining = false;
      const lastBacklogArrival = Math.max(...[...backlogCommits.keys()].map((id) => drained.firstSeen[id]!));
      const drainSeconds = (lastBacklogArrival - drainStart) / 1000;
      const engineRateDuring = await loadDuring;
      const dispatchRate = backlog / drainSeconds;

      // 2. Latency: steady engine load at a fixed rate; commit → first arrival at the receiver.
      const steadyCommits = new Map<string, number>();
      const steadySeconds = await engineLoad(
        runtime,
        campaignId,
        steady,
        8,
        backlog + loadCommits.size,
        steadyCommits,
        steadyRate,
      );
      const expected = backlog + loadCommits.size + steady;
      const stats = await arrived(hook, expected, 60_000);
      for (const loop of loops) await loop.stop();
      for (const d of dispatchers) await d.closeChannels();
      const latencies = [...steadyCommits]
        .map(([id, at]) => (stats.firstSeen[id] ?? Infinity) - at)
        .sort((a, b) => a - b);
      const p50 = percentile(latencies, 50);
      const p99 = percentile(latencies, 99);
      const lost = [...backlogCommits.keys(), ...loadCommits.keys(), ...steadyCommits.keys()].filter(
        (id) => !(id in stats.firstSeen),
      ).length;
      return [
        {
          metric: `webhook dispatch rate draining ${backlog} queued messages (2 dispatchers, engine registering items meanwhile)`,
          value: dispatchRate,
          unit: 'notifications/s',
          target: '>= 1000 notifications/s',
          met: dispatchRate >= 1000,
        },
        {
          metric: 'engine rate during the drain (item registrations, 4 workers, same process and database)',
          value: engineRateDuring,
          unit: 'commands/s',
        },
        {
          metric: `delivery latency p99, commit → webhook receiver, steady engine load of ${steadyRate}/s`,
          value: p99,
          unit: 'ms',
          target: '< 1000 ms',
          met: p99 < 1000,
        },
        { metric: 'delivery latency p50 under the same load', value: p50, unit: 'ms' },
        {
          metric: 'engine rate achieved during the latency run',
          value: steady / steadySeconds,
          unit: 'commands/s',
        },
        {
          metric: 'messages lost (never received)',
          value: lost,
          unit: 'messages',
          target: '0',
          met: lost === 0,
        },
        { metric: 'load average (1 min) at the end of the run', value: loadavg()[0]!, unit: 'load' },
        {
          metric: 'duplicate webhook requests (at-least-once redeliveries)',
          value: stats.total - (expected - lost),
          unit: 'requests',
        },
      ];
    } finally {
      hook.close();
      await pg.close();
    }
  },
};
