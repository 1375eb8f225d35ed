import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoLogins } from '../../src/demo/load-demo';
import type { BenchMetric, BenchSuite } from '../types';
import { freePort } from '../support/cluster';
import { loadAverageMetric, machineLoad } from '../support/machine-load';

const TARGET_S = 5;

interface Start {
  /** Spawn of `npm start` → the first 200 from /healthz, in seconds. */
  healthz: number;
  /** What the server printed: seconds from its own process start to listening, and its CPU seconds by then. */
  serverReady: number | null;
  serverCpu: number | null;
}

/**
 * `npm start` exactly as a user runs it, on an embedded data directory nobody has started: the time from
 * spawning npm to the first 200 from /healthz, then a check that the demo can be read (the supervisor logs in
 * and lists the demo campaign's items), so that a start that answered before loading the demo cannot pass.
 */
async function timeNpmStart(env: Record<string, string>): Promise<Start> {
  const dataRoot = mkdtempSync(join(tmpdir(), 'zz-bench-startup-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: process.cwd(),
    // its own process group, so that npm, its shell and the server stop together
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_URL: '',
      PORT: String(port),
      ZHENGZHI_DATA_DIR: join(dataRoot, 'pglite'),
      ZHENGZHI_EVIDENCE_DIR: join(dataRoot, 'evidence'),
      // the server's start-up line is read in English
      LANG: 'C.UTF-8',
      LC_ALL: '',
      LC_MESSAGES: '',
      ...env,
    },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const base = `http://127.0.0.1:${port}`;
    let healthz = 0;
    while (healthz === 0) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}: ${output}`);
      if (performance.now() - started > 300_000) throw new Error(`/healthz never answered: ${output}`);
      const ok = await fetch(`${base}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) healthz = (performance.now() - started) / 1000;
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const login = (await (
      await fetch(`${base}/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'supervisor', password: demoLogins.password }),
      })
    ).json()) as { accessToken?: string };
    const listed = (await (
      await fetch(`${base}/items?campaignId=xn-2023&limit=100`, {
        headers: { authorization: `Bearer ${login.accessToken}` },
      })
    ).json()) as { items?: unknown[] };
    if (!listed.items?.length) throw new Error(`/healthz answered but the demo could not be read: ${output}`);
    const ready = /ready ([\d.]+) s after the process started, ([\d.]+) s of CPU/.exec(output);
    return {
      healthz,
      serverReady: ready ? Number(ready[1]) : null,
      serverCpu: ready ? Number(ready[2]) : null,
    };
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGTERM');
    await exited;
    rmSync(dataRoot, { recursive: true, force: true });
  }
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * `npm run bench -- startup`: `npm start` on an empty embedded database to /healthz with the demo loaded
 * (needs `npm run build`: the compiled server and the demo database it copies). `ZZ_BENCH_STARTUP_RUNS`
 * (default 3) starts, median reported; one start loading the demo through the engine is the baseline.
 */
export const startupSuite: BenchSuite = {
  name: 'startup',
  async run(): Promise<BenchMetric[]> {
    const runs = Number(process.env.ZZ_BENCH_STARTUP_RUNS ?? 3);
    const loadBefore = machineLoad();
    const starts: Start[] = [];
    for (let i = 0; i < runs; i++) starts.push(await timeNpmStart({}));
    const engineLoaded = await timeNpmStart({ ZHENGZHI_DEMO_TEMPLATE: 'none' });
    const value = median(starts.map((s) => s.healthz));
    const noisy = loadBefore.noisy || machineLoad().noisy;
    const known = (values: Array<number | null>): number[] => values.filter((v): v is number => v !== null);
    const serverReady = known(starts.map((s) => s.serverReady));
    const serverCpu = known(starts.map((s) => s.serverCpu));
    return [
      {
        metric: `npm start on an empty embedded database → /healthz with the demo readable (median of ${runs}; runs ${starts.map((s) => s.healthz.toFixed(2)).join(', ')} s)`,
        value,
        unit: 's',
        baseline: { name: 'demo loaded through the engine at start-up', value: engineLoaded.healthz },
        ratio: engineLoaded.healthz / value,
        target: `< ${TARGET_S} s`,
        met: value < TARGET_S,
        noisy,
      },
      ...(serverReady.length
        ? [
            {
              metric: 'of which the server process, from its start to listening (median, as it prints)',
              value: median(serverReady),
              unit: 's',
              noisy,
            },
            {
              metric:
                'CPU time of the server process by then (user + system, median; less sensitive to load)',
              value: median(serverCpu),
              unit: 's',
            },
          ]
        : []),
      loadAverageMetric(),
    ];
  },
};
