import { createDispatcher } from '../../src/notifications';
import { apiAs } from './helpers';
import { describeOnPostgres, startConsole, type ConsoleHarness } from './support';

jest.setTimeout(150_000);

type Api = Awaited<ReturnType<typeof apiAs>>;

describeOnPostgres(
  'console inbox and correction links in Chromium (PostgreSQL only; skipped on PGlite)',
  () => {
    let harness: ConsoleHarness;
    let supervisor: Api;
    let campaignId: string;

    beforeAll(async () => {
      harness = await startConsole();
      supervisor = await apiAs(harness.url, 'supervisor');
      const campaigns = (await supervisor('/campaigns')).body.items as Array<{ streamId: string }>;
      campaignId = campaigns[0]!.streamId;
    });
    afterAll(async () => {
      await harness?.close();
    });

    /** A clue about 湟中区 registered by the supervisor, then assigned to the officer for verification. */
    async function assignedToOfficer(description: string): Promise<string> {
      const registered = await supervisor('/items', {
        campaignId,
        reportedUnitId: 'xn-hz',
        source: 'hotline12328',
        description,
        receivedAt: '2026-11-30T01:00:00.000Z',
      });
      expect(registered.status).toBe(201);
      const id = String(registered.body.streamId);
      const assigned = await supervisor(`/items/${id}/commands/assign-verification`, {
        unitId: 'xn-hz',
        officerId: 'u-officer',
        deadline: '2030-01-01T00:00:00.000Z',
      });
      expect(assigned.status).toBe(200);
      return id;
    }

    test('an assignment reaches the officer’s inbox live: the badge counts it, marking read brings it down', async () => {
      const officer = await apiAs(harness.url, 'officer');
      expect((await officer('/notifications/read', { all: true })).status).toBe(200);
      const { page, errors } = await harness.loginAs('officer', '/console/inbox');
      try {
        await page.getByRole('heading', { name: '我的消息' }).waitFor();
        const badge = page.getByTestId('inbox-badge');
        expect(await badge.locator('.ant-badge-count').count()).toBe(0);

        const first = await assignedToOfficer('收件箱测试：执法车辆私用');
        await assignedToOfficer('收件箱测试：未按规定出示证件');
        // No reload: the live feed invalidates the count and the list.
        await badge.locator('.ant-badge-count').filter({ hasText: '2' }).waitFor();
        await page.getByTestId('inbox-unread').filter({ hasText: '未读 2 条' }).waitFor();
        const rows = page.locator('tr[data-read="false"]');
        await rows.first().waitFor();
        expect(await rows.count()).toBe(2);
        expect(await rows.first().innerText()).toContain('事项交办');
        await harness.screenshot(page, 'inbox');

        await rows.first().getByRole('button', { name: '标为已读' }).click();
        await badge.locator('.ant-badge-count').filter({ hasText: '1' }).waitFor();
        expect(await page.locator('tr[data-read="false"]').count()).toBe(1);

        // Following the notification opens its item and marks it read.
        await page.locator('tr[data-read="false"]').getByTestId('notification-subject').click();
        await page.waitForURL(/\/console\/items\/[^/]+$/);
        expect([first, expect.any(String)]).toContain(decodeURIComponent(page.url().split('/').pop()!));
        await page.getByTestId('item-state').filter({ hasText: '核查中' }).waitFor();
        await badge.locator('.ant-badge-count').waitFor({ state: 'hidden' });
        expect((await officer('/notifications/unread-count')).body.unread).toBe(0);
        expect(errors).toEqual([]);
      } catch (error) {
        await harness.screenshot(page, 'failure-inbox');
        throw error;
      }
    });

    test('a correction approved over the API is linked to the event it corrects, both ways, on the item and audit pages', async () => {
      const id = await assignedToOfficer('更正测试：类别认定错误');
      const officer = await apiAs(harness.url, 'officer');
      const principal = await apiAs(harness.url, 'principal');
      const confirmed = await officer(`/items/${id}/commands/confirm`, {
        category: 'non_standard',
        severity: 'general',
        findings: '经核查属实',
      });
      expect(confirmed.status).toBe(200);
      const requested = await officer(`/items/${id}/commands/request-correction`, {
        corrects: 3,
        targetState: 'confirmed',
        fields: { category: 'rent_seeking' },
        reason: '问题类别认定错误',
      });
      expect(requested.status).toBe(200);
      const approved = await principal(`/items/${id}/commands/approve-correction`, {});
      expect(approved.status).toBe(200);

      const { page, errors } = await harness.loginAs('auditor', `/console/items/${id}`);
      try {
        // Event 3 (查实) is marked as corrected by the approval (#5) and links to it; #4 and #5 link back to #3.
        const row = (n: number) => page.locator(`tr#event-${n}`);
        await row(3).getByTestId('corrected-by-5').filter({ hasText: '已被 #5 更正' }).waitFor();
        expect(await row(4).getByTestId('corrects-3').innerText()).toBe('#3');
        expect(await row(4).innerText()).toContain('#5 已批准');
        await row(3).getByTestId('corrected-by-5').press('Enter');
        await page.locator('tr#event-5.ant-table-row-selected').waitFor();
        await row(5).getByTestId('corrects-3').press('Enter');
        await page.locator('tr#event-3.ant-table-row-selected').waitFor();
        await harness.screenshot(page, 'item-correction');

        // On the audit page a link travels in time (by keyboard here: the links are plain anchors).
        await page.goto(`${harness.url}/console/audit/${id}`);
        const position = page.getByTestId('time-position');
        await position.filter({ hasText: '第 5 / 5 个事件' }).waitFor();
        await row(5).getByTestId('corrects-3').press('Enter');
        await position.filter({ hasText: '第 3 / 5 个事件' }).waitFor();
        await page.getByTestId('state-at').filter({ hasText: '查实' }).waitFor();
        await row(3).getByTestId('corrected-by-5').press('Enter');
        await position.filter({ hasText: '第 5 / 5 个事件' }).waitFor();
        await harness.screenshot(page, 'audit-correction');
        expect(errors).toEqual([]);
      } catch (error) {
        await harness.screenshot(page, 'failure-correction');
        throw error;
      }
    });

    test('a supervisor sees a dead-lettered webhook delivery and queues it again from the console', async () => {
      // A webhook endpoint nobody listens on (port 1 refuses connections), then one event for it.
      const saved = await supervisor('/notification-endpoints', {
        id: 'ep-console-dead',
        kind: 'webhook',
        url: 'http://127.0.0.1:1/hook',
        secret: 'console-test-webhook-secret',
        topics: ['event.item.REGISTER'],
      });
      expect(saved.status).toBe(201);
      await assignedToOfficer('死信测试：无人接收的推送');
      const dispatcher = createDispatcher(harness.runtime, { retry: { maxAttempts: 1 } });
      try {
        expect((await dispatcher.dispatchOnce()).dead).toBe(1);
      } finally {
        await dispatcher.closeChannels();
      }

      const { page, errors } = await harness.loginAs('supervisor', '/console/inbox');
      try {
        await page.getByRole('tab', { name: '投递失败' }).click();
        const row = page.locator('tr').filter({ hasText: 'ep-console-dead' });
        await row.waitFor();
        expect(await row.innerText()).toContain('webhook');
        await harness.screenshot(page, 'inbox-dead-letters');
        await row.getByRole('checkbox').check();
        await page.getByRole('button', { name: /重新投递所选（1）/ }).click();
        await page.getByText('已重新排队 1 条').waitFor();
        await page.getByText('没有投递失败的消息').waitFor();
        const queue = await supervisor('/notification-deliveries?status=pending&target=ep-console-dead');
        // Queued again from scratch; the last error stays for whoever looks next.
        expect(queue.body.deliveries).toEqual([
          expect.objectContaining({
            status: 'pending',
            attempts: 0,
            lastError: expect.stringContaining('ECONNREFUSED'),
          }),
        ]);
        expect(errors).toEqual([]);
      } catch (error) {
        await harness.screenshot(page, 'failure-dead-letters');
        throw error;
      }
    });
  },
);
