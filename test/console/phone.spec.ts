import { samplePhoto } from '../api/support';
import { apiAs, openAction, submitDialog } from './helpers';
import { artifactsDir, describeOnPostgres, PASSWORD, startConsole, type ConsoleHarness } from './support';

jest.setTimeout(150_000);

describeOnPostgres('the officer’s pages on a 390×844 phone (PostgreSQL only; skipped on PGlite)', () => {
  let harness: ConsoleHarness;
  beforeAll(async () => {
    harness = await startConsole();
  });
  afterAll(async () => {
    await harness?.close();
  });

  test('worklist and item detail fit the screen; a photo from the camera is attached and the item submitted', async () => {
    const api = await apiAs(harness.url, 'officer');
    const listed = await api('/items?state=rectifying&limit=1');
    const itemId = (listed.body.items as Array<{ streamId: string }>)[0]!.streamId;

    const context = await harness.browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    context.setDefaultTimeout(20_000);
    try {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${harness.url}/console/login`);
      await page.getByLabel('用户名').fill('officer');
      await page.getByLabel('密码').fill(PASSWORD);
      await page.getByRole('button', { name: /登\s*录/ }).click();
      await page.waitForURL((url) => !url.pathname.endsWith('/login'));
      // Evaluated in the page (a string: this file is type-checked without the DOM library).
      const overflow = () =>
        page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

      await page.goto(`${harness.url}/console/worklist`);
      await page.getByTestId('worklist').waitFor();
      await page.screenshot({ path: `${artifactsDir}/phone-worklist.png` });
      expect(await overflow()).toBeLessThanOrEqual(0);

      await page.goto(`${harness.url}/console/items/${itemId}`);
      await page.getByTestId('item-state').filter({ hasText: '整改中' }).waitFor();
      expect(await overflow()).toBeLessThanOrEqual(0);
      await openAction(page, '提请验收');
      await page.getByLabel('整改结果', { exact: true }).fill('现场已整改，照片为证');
      // The camera input (capture="environment") hands over the photo the phone just took.
      await page.getByLabel('拍照上传佐证').setInputFiles({
        name: 'IMG_0001.png',
        mimeType: 'image/png',
        buffer: await samplePhoto(4242),
      });
      await page.getByTestId('evidence-uploaded').filter({ hasText: 'IMG_0001.png' }).waitFor();
      await page.screenshot({ path: `${artifactsDir}/phone-submit.png` });
      await submitDialog(page);
      await page.getByTestId('item-state').filter({ hasText: '待验收' }).waitFor();
      // The item page shows the stored file (thumbnail, upload time) and the step that cited it.
      await page.getByTestId('evidence-file').filter({ hasText: 'IMG_0001.png' }).waitFor();
      await page
        .getByTestId('evidence-step')
        .filter({ hasText: '提请验收' })
        .getByRole('button', { name: 'IMG_0001.png' })
        .waitFor();
      await page.getByTestId('evidence-file').locator('img').first().waitFor();
      await page.screenshot({ path: `${artifactsDir}/phone-item.png` });

      const history = await api(`/items/${itemId}/history`);
      const events = history.body.events as Array<{ type: string; payload: { evidence?: unknown[] } }>;
      const submitted = events.filter((e) => e.type === 'SUBMIT_FOR_ACCEPTANCE').pop()!;
      expect(submitted.payload.evidence).toContainEqual(
        expect.objectContaining({ name: 'IMG_0001.png', mediaType: 'image/png' }),
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
