import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describeOnPostgres, startConsole, type ConsoleHarness } from './support';

jest.setTimeout(150_000);

describeOnPostgres('console in Chromium (PostgreSQL only; skipped on PGlite)', () => {
  let harness: ConsoleHarness;
  beforeAll(async () => {
    harness = await startConsole();
  });
  afterAll(async () => {
    await harness?.close();
  });

  test('the console is served beside the API without shadowing it', async () => {
    const root = await fetch(`${harness.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console/');
    const page = await fetch(`${harness.url}/console/items/xyz`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const html = await page.text();
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const script = await fetch(`${harness.url}${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('cache-control')).toContain('immutable');
    // An API route asked for HTML still answers as the API: 401 problem+json, not the console page.
    const api = await fetch(`${harness.url}/items`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(401);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    const missing = await fetch(`${harness.url}/console/assets/nope.js`);
    expect(missing.status).toBe(404);
  });

  test('an officer logs in, sees the items of their subtree and logs out', async () => {
    const { page, errors } = await harness.loginAs('officer', '/console/items');
    await page.getByRole('heading', { name: '问题事项' }).waitFor();
    const rows = page.locator('.ant-table-row');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    await harness.screenshot(page, 'items');
    await page.getByRole('button', { name: /退\s*出/ }).click();
    await page.getByRole('button', { name: /登\s*录/ }).waitFor();
    expect(errors).toEqual([]);
  });

  test('a wrong password is refused with the API’s message in place', async () => {
    const context = await harness.browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await page.goto(`${harness.url}/console/login`);
    await page.getByLabel('用户名').fill('officer');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: /登\s*录/ }).click();
    await page.getByTestId('problem').waitFor();
    expect(await page.getByTestId('problem').innerText()).toContain('登录已失效');
    await harness.screenshot(page, 'login-refused');
    await context.close();
  });
});

describeOnPostgres(
  'console pages: screenshots and accessibility (PostgreSQL only; skipped on PGlite)',
  () => {
    let harness: ConsoleHarness;
    beforeAll(async () => {
      harness = await startConsole();
    });
    afterAll(async () => {
      await harness?.close();
    });

    const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    async function criticalViolations(page: Page): Promise<string[]> {
      await page.addScriptTag({ content: axeSource });
      const result = (await page.evaluate(
        'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations.filter((v) => v.impact === "critical").map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", ")))',
      )) as string[];
      return result;
    }

    const pages: Array<[string, string, string, string]> = [
      ['officer', '/console/worklist', 'worklist', '我的待办'],
      ['supervisor', '/console/campaigns/xn-2023', 'dashboard', '西宁'],
      ['supervisor', '/console/campaigns', 'campaigns', '专项行动'],
      ['supervisor', '/console/escalations', 'escalations', '督办问责'],
      ['supervisor', '/console/items/xn-2023-003', 'item-supervisor', '办理记录'],
      ['auditor', '/console/audit/xn-2023-003', 'audit-timeline', '时间回溯'],
    ];
    test.each(pages)('%s %s renders with no critical axe-core violation', async (user, url, name, text) => {
      const { page, errors } = await harness.loginAs(user, url, { bypassCSP: true });
      await page.getByText(text).first().waitFor();
      if (name === 'worklist') await page.locator('.ant-table-row').first().waitFor();
      if (name === 'dashboard') await page.locator('svg').nth(3).waitFor();
      await page.waitForTimeout(300);
      await harness.screenshot(page, name);
      expect(await criticalViolations(page)).toEqual([]);
      expect(errors).toEqual([]);
    });
  },
);
