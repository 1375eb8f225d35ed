import type { Page } from 'playwright-core';
import { artifactsDir, describeOnPostgres, startConsole, type ConsoleHarness } from './support';
import { choose, openAction, submitDialog, typeDate } from './helpers';
import { samplePhoto } from '../api/support';

jest.setTimeout(150_000);

describeOnPostgres('console user journeys in Chromium (PostgreSQL only; skipped on PGlite)', () => {
  let harness: ConsoleHarness;
  beforeAll(async () => {
    harness = await startConsole();
  });
  afterAll(async () => {
    await harness?.close();
  });

  test('an officer registers a clue and takes it to awaiting acceptance through the UI; a refused action shows the machine’s reason', async () => {
    const { page, errors } = await harness.loginAs('officer', '/console/register');
    await page.getByRole('heading', { name: '线索登记' }).waitFor();
    await choose(page, '专项行动', /西宁/);
    await choose(page, '被反映单位', '湟中区交通运输局');
    await choose(page, '线索来源', '12328');
    await page.getByLabel('问题描述', { exact: true }).fill('控制台登记：执法人员未按规定出示证件');
    await typeDate(page, '收到时间', '2026-11-30 09:00:00');
    await harness.screenshot(page, 'register');
    await page.getByRole('button', { name: /^登\s*记$/ }).click();
    await page.waitForURL(/\/console\/items\/[^/]+$/);
    await page.getByTestId('item-state').filter({ hasText: '已登记' }).waitFor();

    try {
      await takeToAcceptance(page);
    } catch (error) {
      await harness.screenshot(page, 'failure-officer');
      throw error;
    }
    expect(errors).toEqual([]);
  });
});

async function takeToAcceptance(page: Page): Promise<void> {
  const state = page.getByTestId('item-state');
  // 交办核查 with a deadline in the past: the machine's guard refuses it, and says why, in the dialog.
  await openAction(page, '交办核查');
  await choose(page, '单位', '湟中区交通运输局');
  await choose(page, '核查人员', /officer|执法/);
  await typeDate(page, '时限', '2020-01-01 00:00:00');
  await submitDialog(page);
  const problem = page.locator('.ant-modal').getByTestId('problem');
  await problem.waitFor();
  expect(await problem.innerText()).toMatch(/不满足办理条件[\s\S]*(future|未来|之后|晚于)/);
  await page.screenshot({ path: `${artifactsDir}/item-refused.png` });
  await typeDate(page, '时限', '2030-01-01 00:00:00');
  await submitDialog(page);
  await state.filter({ hasText: '核查中' }).waitFor();

  await openAction(page, '查实');
  await choose(page, '问题类别', /./);
  await choose(page, '严重程度', /./);
  await page.getByLabel('核查情况', { exact: true }).fill('经核查属实');
  await submitDialog(page);
  await state.filter({ hasText: '查实' }).waitFor();

  await openAction(page, '启动整改');
  await page.getByLabel('具体表现', { exact: true }).fill('检查时未出示执法证件');
  await page.getByLabel('整改措施', { exact: true }).fill('组织全员培训并建立亮证制度');
  await choose(page, '责任单位', '湟中区交通运输局');
  await page.getByLabel('责任人', { exact: true }).fill('张三');
  await typeDate(page, '时限', '2030-06-30 00:00:00');
  await submitDialog(page);
  await state.filter({ hasText: '整改中' }).waitFor();

  await openAction(page, '提请验收');
  await page.getByLabel('整改结果', { exact: true }).fill('培训已完成，制度已印发');
  // Evidence goes up as a file (a phone's camera or the file picker), not as a name.
  await page.getByLabel('上传佐证文件').setInputFiles({
    name: '培训签到表.png',
    mimeType: 'image/png',
    buffer: await samplePhoto(11),
  });
  await page.getByTestId('evidence-uploaded').filter({ hasText: '培训签到表.png' }).waitFor();
  await submitDialog(page);
  await state.filter({ hasText: '待验收' }).waitFor();
  // The diagram marks the current state and the path the item took.
  const chart = page.getByTestId('statechart');
  await chart.waitFor();
  expect(await chart.getAttribute('data-current')).toBe('awaitingAcceptance');
  await page.locator('.sc-current').waitFor();
  await page.screenshot({ path: `${artifactsDir}/item.png` });
}
