import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { chromium } from 'playwright-core';
import { createApp } from '../../src/api/app';
import { hashPassword } from '../../src/api/auth/passwords';
import { createApiRuntime } from '../../src/api/runtime';
import { defaultConsoleDir } from '../../src/api/console-static';
import { listen } from '../../src/api/server';
import { chromiumPath } from '../../src/bulletins/bulletin-pdf';
import { campaignTemplates } from '../../src/machines/campaign-templates';
import type { BenchMetric, BenchSuite } from '../types';
import { throwawayPostgres } from '../support/databases';
import { bulkInsert, planner, setUpDirectory, templateLives, type Fate } from './ledgers';

const hashing = { logN: 10, blockSize: 8, parallelism: 1 };
const PASSWORD = 'bench-password';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The console on a database of 100,000 items (bulk-loaded with COPY, the ledgers suite's fixture): the
 * time from navigation to the worklist's first rows and to the dashboard's charts in headless Chromium on
 * loopback, and the dashboard request's server time. The caller sits at the root unit, so every item is in
 * their subtree (the worst case for the server-paged list).
 */
export const consoleSuite: BenchSuite = {
  name: 'console',
  async run(): Promise<BenchMetric[]> {
    const items = Number(process.env.ZZ_BENCH_CONSOLE_ITEMS ?? 100_000);
    const built = defaultConsoleDir();
    if (!existsSync(path.join(built, 'index.html'))) throw new Error(`${built} is not built: npm run build`);
    // A private copy: a build running meanwhile (the tests rebuild dist/console) must not pull assets away.
    const consoleDir = mkdtempSync(path.join(tmpdir(), 'zz-bench-console-'));
    cpSync(built, consoleDir, { recursive: true });
    const database = await throwawayPostgres(10);
    const metrics: BenchMetric[] = [];
    try {
      const runtime = await createApiRuntime(database);
      await setUpDirectory(runtime);
      const passwordHash = await hashPassword(PASSWORD, hashing);
      for (const [id, role] of [
        ['bench-supervisor', 'supervisor'],
        ['bench-officer', 'officer'],
      ] as const)
        await runtime.directory.createUser(
          { id, username: id, displayName: id, role, unitId: 'bc', isPrincipal: false, passwordHash },
          new Date(),
        );
      const template = campaignTemplates['xining-2023']!;
      const campaignId = (
        await runtime.engine.create(
          'campaign',
          { ...template, unitId: 'bc' },
          { userId: 'bench-supervisor', unitId: 'bc' },
          {
            at: '2023-04-01T00:00:00.000Z',
          },
        )
      ).streamId;
      const client = await database.pool().connect();
      const loadStarted = Date.now();
      try {
        const mix: Array<[Fate, number]> = [
          ['registered', 0.05],
          ['verifying', 0.15],
          ['dismissed', 0.05],
          ['transferred', 0.05],
          ['rectifying', 0.4],
          ['closed', 0.25],
          ['longTerm', 0.05],
        ];
        await bulkInsert(client, templateLives(), campaignId, planner('cs', 7, mix, 0), items);
        await client.query('VACUUM ANALYZE streams');
        await client.query('VACUUM ANALYZE events');
      } finally {
        client.release();
      }
      console.log(
        `  (fixture: ${items} items written by COPY in ${((Date.now() - loadStarted) / 1000).toFixed(1)} s)`,
      );

      const app = createApp(runtime, {
        auth: {
          jwtSecret: new TextEncoder().encode('bench-console-secret-at-least-32-bytes!'),
          passwordHashing: hashing,
        },
        logger: pino({ level: 'silent' }),
        loginRateLimit: { limit: 1000, windowMs: 60_000 },
        consoleDir,
      });
      const server = await listen(app, 0);
      const browser = await chromium.launch({
        executablePath: chromiumPath(),
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
        ],
      });
      try {
        const login = async (username: string) => {
          const context = await browser.newContext({
            viewport: { width: 1366, height: 768 },
            locale: 'zh-CN',
          });
          const page = await context.newPage();
          await page.goto(`${server.url}/console/login`);
          await page.getByLabel('用户名').fill(username);
          await page.getByLabel('密码').fill(PASSWORD);
          await page.getByRole('button', { name: /登\s*录/ }).click();
          await page.waitForURL((url) => !url.pathname.endsWith('/login'));
          return page;
        };
        const rounds = 5;
        const officer = await login('bench-officer');
        const worklist: number[] = [];
        for (let round = 0; round < rounds; round++) {
          await officer.goto('about:blank');
          const started = performance.now();
          await officer.goto(`${server.url}/console/worklist`);
          await officer.locator('.ant-table-row').first().waitFor({ timeout: 30_000 });
          worklist.push(performance.now() - started);
        }
        const supervisor = await login('bench-supervisor');
        const dashboard: number[] = [];
        for (let round = 0; round < rounds; round++) {
          await supervisor.goto('about:blank');
          const started = performance.now();
          await supervisor.goto(`${server.url}/console/campaigns/${campaignId}`);
          await supervisor
            .locator('[data-testid="dashboard"] [role="img"] svg path')
            .first()
            .waitFor({ state: 'attached', timeout: 30_000 });
          dashboard.push(performance.now() - started);
        }
        const token = (await (
          await fetch(`${server.url}/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'bench-supervisor', password: PASSWORD }),
          })
        ).json()) as { accessToken: string };
        const serverTimes: number[] = [];
        for (let round = 0; round < 7; round++) {
          const started = performance.now();
          const response = await fetch(`${server.url}/campaigns/${campaignId}/dashboard`, {
            headers: { authorization: `Bearer ${token.accessToken}` },
          });
          await response.arrayBuffer();
          if (!response.ok) throw new Error(`dashboard answered ${response.status}`);
          serverTimes.push(performance.now() - started);
        }
        const worklistMs = median(worklist);
        const dashboardMs = median(dashboard);
        const serverMs = median(serverTimes);
        metrics.push(
          {
            metric: `navigation → worklist first rows (${items} items in the subtree), median of ${rounds}`,
            value: Math.round(worklistMs),
            unit: 'ms',
            target: '< 1500 ms',
            met: worklistMs < 1500,
          },
          {
            metric: `navigation → dashboard charts rendered (${items} items), median of ${rounds}`,
            value: Math.round(dashboardMs),
            unit: 'ms',
            target: '< 1500 ms',
            met: dashboardMs < 1500,
          },
          {
            metric: 'GET /campaigns/:id/dashboard on loopback (server time + loopback), median of 7',
            value: Math.round(serverMs),
            unit: 'ms',
            target: '< 300 ms',
            met: serverMs < 300,
          },
          { metric: 'load average (1 min) after the run', value: Number(loadavg()[0]!.toFixed(2)), unit: '' },
        );
      } finally {
        await browser.close();
        await server.close(2_000);
      }
    } finally {
      await database.close();
      rmSync(consoleDir, { recursive: true, force: true });
    }
    return metrics;
  },
};
