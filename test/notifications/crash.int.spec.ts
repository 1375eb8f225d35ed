import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { Dispatcher, notificationService, WebhookChannel, WEBHOOK_HEADERS } from '../../src/notifications';
import { databaseQuery } from '../../src/persistence/database';
import { ManualClock } from '../../src/shared/clock';
import { testDatabaseKind } from '../support/database';
import { campaignInput, clueInput, officer, supervisor } from '../support/fixtures';
import {
  createTestRuntime,
  rows,
  startReceiver,
  type NotificationTestRuntime,
  type Receiver,
} from './support';

const root = join(__dirname, '..', '..');
const MESSAGES = 200;

/**
 * A real `zhengzhi notifications dispatch` process (run from the sources) killed with SIGKILL mid-batch. PostgreSQL only: the child needs the same database over the network.
 */
const describeOnPostgres = testDatabaseKind === 'postgres' ? describe : describe.skip;

describeOnPostgres('a dispatcher killed with kill -9 mid-batch (PostgreSQL only)', () => {
  let runtime: NotificationTestRuntime;
  let receiver: Receiver;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    runtime = await createTestRuntime();
    receiver = await startReceiver();
  });
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await receiver.close();
    await runtime.database.close();
  });

  it('loses nothing and sends twice only what was leased and unconfirmed when it died', async () => {
    await notificationService(runtime).saveEndpoint({
      id: 'ep-crash',
      kind: 'webhook',
      url: receiver.url,
      secret: 'crash-test-secret-0123456789',
      topics: ['event.item.REGISTER'],
    });
    const campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
    for (let i = 0; i < MESSAGES; i++) await runtime.engine.create('item', clueInput(campaignId), officer);

    receiver.delayMs = 25; // slow enough that the kill lands inside a batch
    let output = '';
    child = spawn(
      process.execPath,
      [
        join(root, 'test', 'support', 'zhengzhi-source.cjs'), // the CLI from src/, compiled by swc
        'notifications',
        'dispatch',
        '--name',
        'doomed',
        '--batch-size',
        '80',
        '--concurrency',
        '4',
        '--lease-seconds',
        '3',
        '--idle-ms',
        '50',
      ],
      { env: { ...process.env, DATABASE_URL: runtime.databaseUrl!, NODE_OPTIONS: '' }, stdio: 'pipe' },
    );
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    const deadline = Date.now() + 20_000;
    while (receiver.received.length < 60 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    expect({ received: receiver.received.length, output }).toMatchObject({ received: expect.any(Number) });
    expect(receiver.received.length).toBeGreaterThanOrEqual(60);
    child.kill('SIGKILL');
    await exited;
    expect(child.signalCode).toBe('SIGKILL');

    const state = await rows<{ message_id: string; status: string; lease_owner: string | null }>(
      runtime,
      `SELECT message_id, status, lease_owner FROM notification_deliveries WHERE target = 'ep-crash'`,
    );
    const inFlight = new Set(
      state.filter((s) => s.status === 'pending' && s.lease_owner === 'doomed').map((s) => s.message_id),
    );
    const confirmed = state.filter((s) => s.status === 'delivered').length;
    expect(confirmed).toBeGreaterThan(0); // the dead dispatcher had recorded some sends …
    expect(inFlight.size).toBeGreaterThan(0); // … and died holding a lease
    expect(inFlight.size).toBeLessThanOrEqual(80); // at most one batch

    // A survivor takes over once the lease has expired.
    const later = new ManualClock(new Date(Date.now() + 10_000));
    receiver.delayMs = 0;
    const survivor = new Dispatcher({
      query: databaseQuery(runtime.database),
      clock: later,
      name: 'survivor',
      channels: [new WebhookChannel()],
    });
    await survivor.drain();

    const counts = new Map<string, number>();
    for (const r of receiver.received) {
      const id = String(r.headers[WEBHOOK_HEADERS.id]);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.size).toBe(MESSAGES); // nothing lost
    const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
    for (const id of twice) expect(inFlight.has(id)).toBe(true); // duplicates only from the dead lease
    expect(Math.max(...counts.values())).toBeLessThanOrEqual(2);
    const [left] = await rows<{ n: string }>(
      runtime,
      `SELECT count(*) AS n FROM notification_deliveries WHERE target = 'ep-crash' AND status <> 'delivered'`,
    );
    expect(Number(left!.n)).toBe(0);
  });
});
