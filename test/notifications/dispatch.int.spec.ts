import type { AddressInfo } from 'node:net';
import amqp from 'amqplib';
import { SMTPServer } from 'smtp-server';
import {
  AmqpChannel,
  Dispatcher,
  EmailChannel,
  notificationService,
  verifyWebhook,
  WebhookChannel,
  WEBHOOK_HEADERS,
  type NotificationService,
} from '../../src/notifications';
import { databaseQuery } from '../../src/persistence/database';
import { campaignInput, clueInput, itemInRectification, officer, supervisor } from '../support/fixtures';
import {
  addPeople,
  createTestRuntime,
  rows,
  startReceiver,
  type NotificationTestRuntime,
  type Receiver,
} from './support';

const SECRET = 'test-signing-secret-0123456789';
const fixedRandom = () => 0.5;

let runtime: NotificationTestRuntime;
let service: NotificationService;
let campaignId: string;
let receiver: Receiver;

function dispatcher(
  name: string,
  options: { batchSize?: number; maxAttempts?: number; channels?: Dispatcher['name'][] } = {},
) {
  return new Dispatcher({
    query: databaseQuery(runtime.database),
    clock: runtime.clock,
    name,
    channels: [new WebhookChannel({ nowSeconds: () => Math.floor(Date.now() / 1000) })],
    batchSize: options.batchSize ?? 50,
    retry: { maxAttempts: options.maxAttempts ?? 8, baseDelayMs: 1_000, maxDelayMs: 60_000 },
    random: fixedRandom,
  });
}

interface DeliveryState {
  id: string;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
}
const deliveriesOf = (target: string) =>
  rows<DeliveryState>(runtime, 'SELECT * FROM notification_deliveries WHERE target = $1 ORDER BY id', [
    target,
  ]);

beforeAll(async () => {
  runtime = await createTestRuntime();
  await addPeople(runtime);
  service = notificationService(runtime);
  receiver = await startReceiver();
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
});
afterAll(async () => {
  await receiver.close();
  await runtime.database.close();
});

describe('dispatching', () => {
  it('webhooks are signed over timestamp.body; a receiver verifies with the documented recipe', async () => {
    await service.saveEndpoint({
      id: 'ep-signed',
      kind: 'webhook',
      url: receiver.url,
      secret: SECRET,
      topics: ['event.item.*'],
    });
    const item = await runtime.engine.create('item', clueInput(campaignId), officer);
    receiver.received.length = 0;
    const report = await dispatcher('d-signed').drain();
    expect(report.delivered).toBeGreaterThanOrEqual(1);
    const got = receiver.received.find((r) => JSON.parse(r.body).id === `evt:${item.streamId}:1`)!;
    expect(got).toBeDefined();
    const headers = {
      timestamp: got.headers[WEBHOOK_HEADERS.timestamp] as string,
      signature: got.headers[WEBHOOK_HEADERS.signature] as string,
    };
    const now = Math.floor(Date.now() / 1000);
    expect(verifyWebhook(SECRET, headers, got.body, now)).toBe(true);
    expect(got.headers[WEBHOOK_HEADERS.id]).toBe(`evt:${item.streamId}:1`);
    // a tampered body, another secret, or an old timestamp do not verify
    expect(verifyWebhook(SECRET, headers, got.body.replace('registered', 'closed'), now)).toBe(false);
    expect(verifyWebhook('another-secret-0123456789', headers, got.body, now)).toBe(false);
    expect(verifyWebhook(SECRET, headers, got.body, now + 3600)).toBe(false);
    const message = JSON.parse(got.body);
    expect(message).toMatchObject({
      schema: 'zhengzhi.message/1',
      kind: 'event',
      event: {
        streamType: 'item',
        streamId: item.streamId,
        sequence: 1,
        type: item.event.type,
        hash: item.event.hash,
      },
      state: 'registered',
    });
    await service.saveEndpoint({
      id: 'ep-signed',
      kind: 'webhook',
      url: receiver.url,
      secret: SECRET,
      active: false,
    });
  });

  it('a failing receiver is retried with exponential backoff, then dead-lettered; redelivery queues it again', async () => {
    await service.saveEndpoint({
      id: 'ep-flaky',
      kind: 'webhook',
      url: receiver.url,
      secret: SECRET,
      topics: ['event.campaign.*'],
    });
    await runtime.engine.create('campaign', { ...campaignInput, name: '另一个行动' }, supervisor);
    const [queued] = await deliveriesOf('ep-flaky');
    expect(queued).toBeDefined();
    const d = dispatcher('d-flaky', { maxAttempts: 4 });
    const start = runtime.clock.now().getTime();
    receiver.failAlways(true);
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      const report = await d.dispatchOnce();
      expect(report.leased).toBe(1);
      const [state] = await deliveriesOf('ep-flaky');
      expect(state!.attempts).toBe(attempt);
      expect(state!.last_error).toContain('HTTP 500');
      if (attempt < 4) {
        expect(state!.status).toBe('pending');
        delays.push(state!.next_attempt_at.getTime() - runtime.clock.now().getTime());
        // not due before its time
        expect((await d.dispatchOnce()).leased).toBe(0);
        runtime.clock.set(state!.next_attempt_at);
      } else expect(state!.status).toBe('dead');
    }
    // base 1 s doubling, with equal jitter at 0.5: 0.75 s, 1.5 s, 3 s
    expect(delays).toEqual([750, 1500, 3000]);
    expect((await d.dispatchOnce()).leased).toBe(0);

    receiver.failAlways(false);
    receiver.received.length = 0;
    expect(await service.redeliver({ dead: true, target: 'ep-flaky' })).toBe(1);
    expect((await d.drain()).delivered).toBe(1);
    expect((await deliveriesOf('ep-flaky'))[0]!.status).toBe('delivered');
    expect(receiver.received).toHaveLength(1);

    // a receiver that fails twice then recovers gets the message on the third attempt
    await runtime.engine.create('campaign', { ...campaignInput, name: '第三个行动' }, supervisor);
    receiver.failNext(2);
    for (let i = 0; i < 3; i++) {
      await d.dispatchOnce();
      runtime.clock.advance(10_000);
    }
    const last = (await deliveriesOf('ep-flaky')).at(-1)!;
    expect([last.status, last.attempts]).toEqual(['delivered', 3]);
    runtime.clock.set(new Date(start));
    await service.saveEndpoint({
      id: 'ep-flaky',
      kind: 'webhook',
      url: receiver.url,
      secret: SECRET,
      active: false,
    });
  });

  it('two dispatchers share the work and never send the same message at once', async () => {
    await service.saveEndpoint({
      id: 'ep-shared',
      kind: 'webhook',
      url: receiver.url,
      secret: SECRET,
      topics: ['event.item.*'],
    });
    for (let i = 0; i < 60; i++) await runtime.engine.create('item', clueInput(campaignId), officer);
    receiver.received.length = 0;
    receiver.delayMs = 2;
    const a = dispatcher('d-a', { batchSize: 10 });
    const b = dispatcher('d-b', { batchSize: 10 });
    const [ra, rb] = await Promise.all([a.drain(), b.drain()]);
    receiver.delayMs = 0;
    expect(ra.delivered + rb.delivered).toBe(60);
    if (runtime.database.kind === 'postgres') {
      expect(ra.delivered).toBeGreaterThan(0);
      expect(rb.delivered).toBeGreaterThan(0);
    }
    const ids = receiver.received.map((r) => r.headers[WEBHOOK_HEADERS.id]);
    expect(new Set(ids).size).toBe(60);
    expect(ids).toHaveLength(60);
    await service.saveEndpoint({
      id: 'ep-shared',
      kind: 'webhook',
      url: receiver.url,
      secret: SECRET,
      active: false,
    });
  });

  it('e-mail goes out over SMTP to a real server, with the notification id as Message-ID', async () => {
    const mails: Array<{ to: string[]; data: string }> = [];
    const smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            data: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    const email = new EmailChannel({ url: `smtp://127.0.0.1:${port}`, from: 'zhengzhi@example.test' });
    try {
      await service.setPreferences('u-zhang', {
        channels: ['inbox', 'email'],
        email: 'zhang@example.test',
        quietHours: null,
        digest: false,
      });
      await itemInRectification(runtime, campaignId); // START_RECTIFICATION assigns the item to 张三
      const [told] = await rows<{ id: string; subject: string }>(
        runtime,
        `SELECT id, subject FROM notifications WHERE recipient_id = 'u-zhang' AND kind = 'item_assigned' ORDER BY created_at DESC LIMIT 1`,
      );
      const d = new Dispatcher({
        query: databaseQuery(runtime.database),
        clock: runtime.clock,
        name: 'd-mail',
        channels: [email],
      });
      const report = await d.drain();
      expect(report.delivered).toBeGreaterThanOrEqual(1);
      const mail = mails.find((m) => m.data.includes(`Message-ID: <${told!.id}@zhengzhi>`));
      expect(mail?.to).toEqual(['zhang@example.test']);
      expect(mail!.data).toContain('Subject: =?UTF-8?');
      expect(mail!.data.toLowerCase()).toContain(`x-zhengzhi-message-id: ${told!.id}`);
      const [delivery] = await rows<{ status: string }>(
        runtime,
        `SELECT status FROM notification_deliveries WHERE message_id = $1 AND channel = 'email'`,
        [told!.id],
      );
      expect(delivery!.status).toBe('delivered');
    } finally {
      await email.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });

  it('the event log is published to RabbitMQ with publisher confirms, and a consumer reads it', async () => {
    const url = 'amqp://guest:guest@127.0.0.1:5672';
    const exchange = `zz.test.${process.pid}.${Date.now()}`;
    const connection = await amqp.connect(url);
    const channel = await connection.createChannel();
    const amqpChannel = new AmqpChannel();
    try {
      await channel.assertExchange(exchange, 'topic', { durable: true }); // as the publisher declares it
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, exchange, 'item.#');
      await service.saveEndpoint({ id: 'ep-rabbit', kind: 'amqp', url, exchange, topics: ['event.item.*'] });
      const item = await runtime.engine.create('item', clueInput(campaignId), officer);
      await runtime.engine.execute(
        item.streamId,
        {
          type: 'ASSIGN_VERIFICATION',
          unitId: 'xn-county-hz',
          officerId: 'u-officer',
          deadline: '2023-05-01T00:00:00.000Z',
        },
        supervisor,
      );
      const d = new Dispatcher({
        query: databaseQuery(runtime.database),
        clock: runtime.clock,
        name: 'd-amqp',
        channels: [amqpChannel],
      });
      const report = await d.drain();
      expect(await deliveriesOf('ep-rabbit')).toEqual([
        expect.objectContaining({ status: 'delivered', last_error: null }),
        expect.objectContaining({ status: 'delivered', last_error: null }),
      ]);
      expect(report.delivered).toBe(2);
      const got: Array<{ id: string | undefined; key: string; body: Record<string, unknown> }> = [];
      for (let i = 0; i < 50 && got.length < 2; i++) {
        const message = await channel.get(queue, { noAck: true });
        if (message)
          got.push({
            id: message.properties.messageId as string | undefined,
            key: message.fields.routingKey,
            body: JSON.parse(message.content.toString('utf8')) as Record<string, unknown>,
          });
        else await new Promise((r) => setTimeout(r, 50));
      }
      expect(got.map((g) => [g.id, g.key])).toEqual([
        [`evt:${item.streamId}:1`, 'item.REGISTER'],
        [`evt:${item.streamId}:2`, 'item.ASSIGN_VERIFICATION'],
      ]);
      expect(got[1]!.body).toMatchObject({
        kind: 'event',
        state: 'verifying',
        event: { sequence: 2, streamId: item.streamId },
      });
    } finally {
      await service.saveEndpoint({ id: 'ep-rabbit', kind: 'amqp', url, exchange, active: false });
      await amqpChannel.close();
      await channel.deleteExchange(exchange).catch(() => undefined);
      await channel.close().catch(() => undefined);
      await connection.close();
    }
  });
});
