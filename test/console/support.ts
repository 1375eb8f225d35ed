import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createApp } from '../../src/api/app';
import { createApiRuntime } from '../../src/api/runtime';
import { listen, type RunningServer } from '../../src/api/server';
import { chromiumPath } from '../../src/bulletins/bulletin-pdf';
import { loadDemo } from '../../src/demo/load-demo';
import type { Runtime } from '../../src/runtime/runtime';
import { openDeploymentClock } from '../../src/runtime/sandbox';
import { createTestDatabase, testDatabaseKind } from '../support/database';

const root = path.resolve(__dirname, '..', '..');
export const consoleDir = path.join(root, 'dist', 'console');
export const artifactsDir = path.join(root, 'test-artifacts', 'console');

/** Browser tests need the real PostgreSQL (and a Chromium): they are skipped on PGlite. */
export const describeOnPostgres = testDatabaseKind === 'postgres' ? describe : describe.skip;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/** Builds the console with vite when dist/console is missing or older than web/ (a few seconds). */
export function ensureConsoleBuilt(): void {
  const index = path.join(consoleDir, 'index.html');
  const sources = Math.max(
    newestMtime(path.join(root, 'web')),
    statSync(path.join(root, 'src', 'rules')).mtimeMs,
  );
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [
      path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'web/vite.config.mjs',
      '--logLevel',
      'error',
    ],
    {
      cwd: root,
      stdio: 'inherit',
      timeout: 120_000,
    },
  );
}

export interface ConsoleHarness {
  runtime: Runtime;
  server: RunningServer;
  url: string;
  browser: Browser;
  /** A fresh browser context (own cookies and storage) logged in as `username`, on `path`. */
  loginAs(
    username: string,
    path?: string,
    options?: { bypassCSP?: boolean },
  ): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  screenshot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

export const PASSWORD = 'zhengzhi-demo';
const cheapHashing = { logN: 10, blockSize: 8, parallelism: 1 };

/** The real API + console on a fresh PostgreSQL database with the demo loaded, and headless Chromium. */
export async function startConsole(options: { sandbox?: { clock: string } } = {}): Promise<ConsoleHarness> {
  ensureConsoleBuilt();
  mkdirSync(artifactsDir, { recursive: true });
  const database = await createTestDatabase();
  // A drill database (演练): the server runs on its sandbox clock and says so on every page.
  const deployment = options.sandbox
    ? await openDeploymentClock(database, { sandbox: true, clock: options.sandbox.clock })
    : null;
  const runtime = await createApiRuntime(database, deployment ? { clock: deployment.clock } : {});
  await loadDemo(runtime, cheapHashing);
  const app = createApp(runtime, {
    auth: {
      jwtSecret: new TextEncoder().encode('console-test-secret-of-at-least-32-bytes'),
      passwordHashing: cheapHashing,
    },
    logger: pino({ level: 'silent' }),
    loginRateLimit: { limit: 1000, windowMs: 60_000 },
    consoleDir,
    ...(deployment?.sandbox ? { sandbox: deployment.sandbox } : {}),
  });
  const server = await listen(app, 0);
  const browser = await chromium
    .launch({
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
      timeout: 30_000,
    })
    .catch(async (error: unknown) => {
      await server.close(1_000);
      await database.close();
      throw error;
    });
  const contexts: BrowserContext[] = [];
  return {
    runtime,
    server,
    url: server.url,
    browser,
    loginAs: async (username, target = '/console/', options = {}) => {
      const context = await browser.newContext({
        // axe-core is injected as a script: the console's CSP (script-src 'self') would refuse it.
        bypassCSP: options.bypassCSP ?? false,
        viewport: { width: 1366, height: 768 },
        locale: 'zh-CN',
        timezoneId: 'Asia/Shanghai',
      });
      contexts.push(context);
      context.setDefaultTimeout(20_000);
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${server.url}/console/login`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.waitForURL((url) => !url.pathname.endsWith('/login'));
      if (target !== '/console/') await page.goto(`${server.url}${target}`);
      return { context, page, errors };
    },
    screenshot: async (page, name) => {
      await page.screenshot({ path: path.join(artifactsDir, `${name}.png`), fullPage: false });
    },
    close: async () => {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await server.close(2_000);
      await database.close();
    },
  };
}
