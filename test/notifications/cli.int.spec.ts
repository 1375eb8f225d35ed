import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerNotificationCommands } from '../../src/cli/notification-commands';
import { campaignInput, clueInput, officer, supervisor } from '../support/fixtures';
import {
  addPeople,
  createTestRuntime,
  startReceiver,
  type NotificationTestRuntime,
  type Receiver,
} from './support';

let runtime: NotificationTestRuntime;
let receiver: Receiver;
const dir = mkdtempSync(join(tmpdir(), 'zz-notify-cli-'));

/** Runs `zhengzhi notifications …` in-process against the test database; returns the printed lines. */
async function zz(...args: string[]): Promise<string[]> {
  const lines: string[] = [];
  const program = new Command('zhengzhi').exitOverride();
  registerNotificationCommands(program, {
    openDatabase: async () => ({ ...runtime.database, close: async () => undefined }),
    clock: runtime.clock,
    out: (line) => lines.push(line),
    warn: (line) => lines.push(`warning: ${line}`),
  });
  await program.parseAsync(['node', 'zhengzhi', 'notifications', ...args]);
  return lines;
}

beforeAll(async () => {
  runtime = await createTestRuntime();
  await addPeople(runtime);
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await runtime.database.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('zhengzhi notifications (CLI)', () => {
  it('registers an endpoint, dispatches, lists, dead-letters and redelivers', async () => {
    expect(
      await zz(
        'endpoint',
        'webhook',
        receiver.url,
        '--id',
        'ep-cli',
        '--secret',
        'cli-signing-secret-0123',
        '--topics',
        'event.campaign.*',
      ),
    ).toEqual([`endpoint ep-cli (webhook) → ${receiver.url}`]);
    await runtime.engine.create('campaign', campaignInput, supervisor);
    receiver.failAlways(true);
    expect(await zz('dispatch', '--once', '--max-attempts', '1')).toEqual([
      'warning: ZHENGZHI_SMTP_URL is not set: e-mail deliveries wait for a dispatcher that has it',
      'leased 1, delivered 0, retried 0, dead-lettered 1',
    ]);
    const dead = await zz('list', '--status', 'dead');
    expect(dead).toEqual([
      expect.stringMatching(
        /^\d+\tdead\twebhook\tep-cli\tevt:campaign-\d+:1\tattempts 1\tattempt 1: HTTP 500/,
      ),
    ]);
    receiver.failAlways(false);
    expect(await zz('redeliver', '--dead')).toEqual(['queued 1 delivery again']);
    expect((await zz('dispatch', '--once')).at(-1)).toBe('leased 1, delivered 1, retried 0, dead-lettered 0');
    expect(receiver.received).toHaveLength(1);
    await expect(zz('redeliver', 'abc')).rejects.toThrow('delivery id abc is not a number');
  });

  it('changes preferences and templates, refusing a bad template with its file and place', async () => {
    const shown = JSON.parse(
      (
        await zz(
          'prefs',
          'u-zhang',
          '--channels',
          'inbox,email',
          '--email',
          'zhang@example.test',
          '--quiet',
          '22-7',
          '--digest',
          'on',
        )
      ).join('\n'),
    );
    expect(shown).toEqual({
      userId: 'u-zhang',
      channels: ['inbox', 'email'],
      email: 'zhang@example.test',
      quietHours: { start: 22, end: 7 },
      digest: true,
    });
    await expect(zz('prefs', 'u-zhang', '--quiet', 'late')).rejects.toThrow(
      '--quiet must look like 22-7 or none',
    );
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ subject: '交办 {{itemId}}', body: '请处理 {{who}}' }));
    await expect(zz('templates', 'set', 'item_assigned', '--file', bad)).rejects.toThrow(
      `${bad}: body:1:5: unknown placeholder {{who}}`,
    );
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ subject: '交办 {{itemId}}', body: '请于 {{deadline}} 前办结' }));
    expect(await zz('templates', 'set', 'item_assigned', '--file', good, '--by', 'u-supervisor')).toEqual([
      'saved the item_assigned template',
    ]);
    const item = await runtime.engine.create(
      'item',
      clueInput((await runtime.engine.create('campaign', campaignInput, supervisor)).streamId),
      officer,
    );
    await runtime.engine.execute(
      item.streamId,
      {
        type: 'ASSIGN_VERIFICATION',
        unitId: 'xn-county-hz',
        officerId: 'u-zhang',
        deadline: '2023-05-01T00:00:00.000Z',
      },
      supervisor,
    );
    const [told] = (await runtime.database.dataSource.query(
      `SELECT subject FROM notifications WHERE stream_id = $1`,
      [item.streamId],
    )) as Array<{ subject: string }>;
    expect(told!.subject).toBe(`交办 ${item.streamId}`);
    expect((await zz('templates', 'list')).join('\n')).toContain(
      '# item_assigned 事项交办 (edited by u-supervisor',
    );
    expect(await zz('templates', 'reset', 'item_assigned')).toEqual([
      'the item_assigned template is the default again',
    ]);
  });
});
