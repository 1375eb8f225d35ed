import { artifactsDir, describeOnPostgres, startConsole, type ConsoleHarness } from './support';
import path from 'node:path';

jest.setTimeout(150_000);

/** Issue 10 point 3: a drill server (演练) says so on every page, and a supervisor moves its clock there. */
describeOnPostgres('sandbox banner in Chromium (PostgreSQL only; skipped on PGlite)', () => {
  let harness: ConsoleHarness;
  beforeAll(async () => {
    // 2023-06-01 09:00 CST: the demo campaign is in 集中整治.
    harness = await startConsole({ sandbox: { clock: '2023-06-01T01:00:00.000Z' } });
  });
  afterAll(async () => {
    await harness?.close();
  });

  test('every page shows 演练模式 and the clock; a supervisor moves it a day forward', async () => {
    const { page, errors } = await harness.loginAs('supervisor', '/console/items');
    const clock = page.getByTestId('sandbox-clock');
    await clock.getByText('演练模式 — 时钟 2023/06/01 09:00').waitFor();
    for (const target of ['/console/campaigns', '/console/escalations', '/console/worklist']) {
      await page.goto(`${harness.url}${target}`);
      await page.getByTestId('sandbox-banner').waitFor();
      expect(await clock.getAttribute('data-instant')).toBe('2023-06-01T01:00:00.000Z');
    }
    await page.getByTestId('sandbox-plus-1d').click();
    await page.getByTestId('sandbox-moved').waitFor();
    expect(await page.getByTestId('sandbox-moved').innerText()).toMatch(
      /^已从 2023\/06\/01 09:00 推进到 2023\/06\/02 09:00，依次触发 \d+ 项到期任务$/,
    );
    // The banner follows the header of the move's own response.
    await clock.getByText('演练模式 — 时钟 2023/06/02 09:00').waitFor();
    await page.screenshot({ path: path.join(artifactsDir, 'sandbox-banner.png') });
    expect(errors).toEqual([]);
  });

  test('an officer sees the banner but no control to move the clock', async () => {
    const { page } = await harness.loginAs('officer', '/console/worklist');
    await page.getByTestId('sandbox-clock').waitFor();
    expect(await page.getByTestId('sandbox-plus-1d').count()).toBe(0);
  });
});
