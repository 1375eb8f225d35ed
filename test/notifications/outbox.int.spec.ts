import { notificationService, remindDueSoon, buildDigest, recordDigest } from '../../src/notifications';
import { itemTitleOf } from '../../src/notifications/intents';
import type { NotificationService } from '../../src/notifications';
import { campaignInput, clueInput, itemInRectification, officer, supervisor } from '../support/fixtures';
import { addPeople, createTestRuntime, rows, type NotificationTestRuntime } from './support';

const rules = `规则集 notify-rules 版本 1
规则 opinion-admonish "负面舆情约谈" 优先级 60
  当 事项.标签 包含 "负面舆情"
  则 约谈 单位负责人 期限 10 天 理由 "负面舆情"
规则 media-listed "媒体曝光挂牌督办" 优先级 50
  当 事项.标签 包含 "媒体曝光"
  则 挂牌督办 事项 期限 15 天 理由 "媒体曝光"
`;

let runtime: NotificationTestRuntime;
let service: NotificationService;
let campaignId: string;

interface Told {
  kind: string;
  recipient_id: string;
  stream_id: string;
  subject: string;
  body: string;
}
interface Queued {
  message_id: string;
  channel: string;
  target: string;
  recipient_id: string | null;
  next_attempt_at: Date;
  payload: Record<string, unknown>;
}

const notificationsOf = (streamId: string) =>
  rows<Told>(runtime, 'SELECT * FROM notifications WHERE stream_id = $1 ORDER BY kind, recipient_id', [
    streamId,
  ]);
const counts = async () => {
  const [n] = await rows<{ n: string; d: string }>(
    runtime,
    'SELECT (SELECT count(*) FROM notifications) AS n, (SELECT count(*) FROM notification_deliveries) AS d',
  );
  return { notifications: Number(n!.n), deliveries: Number(n!.d) };
};

beforeAll(async () => {
  runtime = await createTestRuntime();
  await addPeople(runtime);
  service = notificationService(runtime);
  campaignId = (await runtime.engine.create('campaign', campaignInput, supervisor)).streamId;
  await runtime.ruleSets.publish(campaignId, rules, supervisor, runtime.clock.now().toISOString());
  await service.setPreferences('u-hz-chief', {
    channels: ['inbox', 'email'],
    email: 'hz-chief@example.test',
    quietHours: null,
    digest: false,
  });
  await service.setPreferences('u-zhang', {
    channels: ['inbox', 'email'],
    email: 'zhang@example.test',
    quietHours: null,
    digest: false,
  });
  // the city chief keeps e-mail quiet at night (22:00–07:00 CST)
  await service.setPreferences('u-city-chief', {
    channels: ['inbox', 'email'],
    email: 'city-chief@example.test',
    quietHours: { start: 22, end: 7 },
    digest: false,
  });
  // the officer reads the console only
  await service.setPreferences('u-officer', {
    channels: ['inbox'],
    email: 'li@example.test',
    quietHours: null,
    digest: false,
  });
  await service.saveEndpoint({
    id: 'ep-province',
    kind: 'webhook',
    url: 'http://127.0.0.1:9/unused',
    secret: 'a-signing-secret-of-some-length',
    topics: ['notification.escalation_issued', 'event.escalation.*'],
  });
});
afterAll(() => runtime.database.close());

describe('the notification outbox', () => {
  it('an escalation to a unit leader reaches its principal and the supervisors above, on each channel', async () => {
    const itemId = await itemInRectification(runtime, campaignId);
    const tagged = await runtime.engine.execute(itemId, { type: 'ADD_TAG', tag: '负面舆情' }, officer);
    const escalationId = (tagged.effects.rules as Array<{ escalationId: string }>)[0]!.escalationId;
    const told = await notificationsOf(escalationId);
    expect(told.map((t) => [t.kind, t.recipient_id])).toEqual([
      ['escalation_issued', 'u-city-chief'],
      ['escalation_issued', 'u-hz-chief'],
      ['escalation_issued', 'u-supervisor'],
    ]);
    expect(told[0]!.subject).toBe('【约谈】湟中区交通运输局：负面舆情约谈');
    expect(told[0]!.body).toContain('理由：负面舆情');
    const queued = await rows<Queued>(
      runtime,
      `SELECT d.* FROM notification_deliveries d WHERE d.message_id IN (SELECT id FROM notifications WHERE stream_id = $1)
          OR d.message_id LIKE $2 ORDER BY channel, target, recipient_id`,
      [escalationId, `evt:${escalationId}:%`],
    );
    const byChannel = (channel: string) => queued.filter((q) => q.channel === channel);
    // e-mail: the two with an address; the supervisor set no preferences (no address) and gets the inbox only
    expect(byChannel('email').map((q) => [q.target, q.recipient_id])).toEqual([
      ['city-chief@example.test', 'u-city-chief'],
      ['hz-chief@example.test', 'u-hz-chief'],
    ]);
    // the integration endpoint: one message per notification, plus the escalation stream's creation event
    expect(byChannel('webhook').map((q) => q.recipient_id ?? q.message_id)).toEqual(
      expect.arrayContaining(['u-city-chief', 'u-hz-chief', 'u-supervisor', `evt:${escalationId}:1`]),
    );
    expect(byChannel('webhook')).toHaveLength(4);
    // 09:00 UTC is 17:00 CST: outside the city chief's quiet hours, so everything is due at once
    for (const q of queued) expect(q.next_attempt_at.toISOString()).toBe(tagged.event.recordedAt);
  });

  it('an escalation on the item reaches its handler and responsible person (and the line above for 挂牌督办)', async () => {
    const itemId = await itemInRectification(runtime, campaignId);
    const tagged = await runtime.engine.execute(itemId, { type: 'ADD_TAG', tag: '媒体曝光' }, supervisor);
    const escalationId = (tagged.effects.rules as Array<{ escalationId: string }>)[0]!.escalationId;
    const told = await notificationsOf(escalationId);
    expect(told.map((t) => t.recipient_id)).toEqual(['u-city-chief', 'u-officer', 'u-supervisor', 'u-zhang']);
    const [data] = await rows<{ data: { roles: string[] } }>(
      runtime,
      `SELECT data FROM notifications WHERE stream_id = $1 AND recipient_id = 'u-zhang'`,
      [escalationId],
    );
    expect(data!.data.roles).toEqual(['responsible']);
  });

  it('a command that rolls back leaves no notification and no message; a refused one neither', async () => {
    const itemId = await itemInRectification(runtime, campaignId);
    const before = await counts();
    await expect(
      runtime.store.transaction(async (tx) => {
        const result = await runtime.engine.executeIn(
          tx,
          itemId,
          { type: 'ADD_TAG', tag: '媒体曝光' },
          officer,
        );
        expect((result.effects.rules ?? []).length).toBe(1); // it did issue (and notify) inside the transaction
        throw new Error('the caller fails after the command');
      }),
    ).rejects.toThrow('the caller fails');
    expect(await counts()).toEqual(before);
    await expect(runtime.engine.execute(itemId, { type: 'ACCEPT' }, supervisor)).rejects.toThrow();
    expect(await counts()).toEqual(before);
  });

  it('an assignment tells the handler; a refusal at acceptance tells the responsible person, handler and principal', async () => {
    const item = await runtime.engine.create('item', clueInput(campaignId), supervisor);
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
    let told = await notificationsOf(item.streamId);
    expect(told.map((t) => [t.kind, t.recipient_id])).toEqual([['item_assigned', 'u-officer']]);
    expect(told[0]!.body).toContain('期限：2023-05-01 08:00');
    // the officer chose the inbox only: no e-mail for them
    expect(
      await rows(
        runtime,
        `SELECT 1 FROM notification_deliveries WHERE recipient_id = 'u-officer' AND channel = 'email'`,
      ),
    ).toEqual([]);

    const itemId = await itemInRectification(runtime, campaignId);
    await runtime.engine.execute(
      itemId,
      { type: 'SUBMIT_FOR_ACCEPTANCE', result: '已整改', evidence: ['照片'] },
      officer,
    );
    await runtime.engine.execute(itemId, { type: 'REJECT', reason: '证据不足' }, supervisor);
    told = (await notificationsOf(itemId)).filter((t) => t.kind === 'acceptance_rejected');
    expect(told.map((t) => t.recipient_id)).toEqual(['u-hz-chief', 'u-officer', 'u-zhang']);
    expect(told[0]!.body).toContain('理由：证据不足');
  });

  it('a correction request asks the principal and the supervisors above, never the requester', async () => {
    const itemId = await itemInRectification(runtime, campaignId);
    await runtime.engine.execute(
      itemId,
      { type: 'SUBMIT_FOR_ACCEPTANCE', result: '已整改', evidence: ['照片'] },
      officer,
    );
    await runtime.engine.execute(itemId, { type: 'ACCEPT', note: '同意销号' }, supervisor);
    await runtime.engine.execute(
      itemId,
      {
        type: 'REQUEST_CORRECTION',
        corrects: 6,
        targetState: 'awaitingAcceptance',
        reason: '验收单位错误',
        requestedBy: 'u-officer',
      },
      { userId: 'u-officer', unitId: 'xn-county-hz' },
    );
    const told = (await notificationsOf(itemId)).filter((t) => t.kind === 'correction_awaiting_approval');
    expect(told.map((t) => t.recipient_id)).toEqual(['u-city-chief', 'u-hz-chief', 'u-supervisor']);
    expect(told[0]!.body).toContain('理由：验收单位错误');
  });

  it('nobody is told about their own act', async () => {
    const item = await runtime.engine.create('item', clueInput(campaignId), officer);
    await runtime.engine.execute(
      item.streamId,
      {
        type: 'ASSIGN_VERIFICATION',
        unitId: 'xn-county-hz',
        officerId: 'u-officer',
        deadline: '2023-05-01T00:00:00.000Z',
      },
      { userId: 'u-officer', unitId: 'xn-county-hz' },
    );
    expect(await notificationsOf(item.streamId)).toEqual([]);
  });

  it('a supervisor’s edited template is used; a template with an unknown placeholder is refused with its location', async () => {
    await expect(
      service.setTemplate(
        'item_assigned',
        { subject: '交办 {{itemId}}', body: '第一行\n请处理 {{nonsense}}' },
        'u-supervisor',
      ),
    ).rejects.toThrow('body:2:5: unknown placeholder {{nonsense}}');
    await service.setTemplate(
      'item_assigned',
      { subject: '新任务 {{itemId}}', body: '{{unitName}} 请于 {{deadline}} 前办结' },
      'u-supervisor',
    );
    const item = await runtime.engine.create('item', clueInput(campaignId), supervisor);
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
    const [told] = await notificationsOf(item.streamId);
    expect(told).toMatchObject({
      subject: `新任务 ${item.streamId}`,
      body: '湟中区交通运输局 请于 2023-05-01 08:00 前办结',
    });
    await service.resetTemplate('item_assigned');
  });

  it('quiet hours hold e-mail until they end; the inbox gets it at once', async () => {
    runtime.clock.set('2023-04-10T15:30:00.000Z'); // 23:30 CST
    const itemId = await itemInRectification(runtime, campaignId);
    const tagged = await runtime.engine.execute(itemId, { type: 'ADD_TAG', tag: '媒体曝光' }, supervisor);
    const escalationId = (tagged.effects.rules as Array<{ escalationId: string }>)[0]!.escalationId;
    const mail = await rows<Queued>(
      runtime,
      `SELECT d.* FROM notification_deliveries d JOIN notifications n ON n.id = d.message_id
        WHERE n.stream_id = $1 AND d.channel = 'email' ORDER BY d.recipient_id`,
      [escalationId],
    );
    expect(mail.map((m) => [m.recipient_id, m.next_attempt_at.toISOString()])).toEqual([
      ['u-city-chief', '2023-04-10T23:00:00.000Z'], // 07:00 CST
      ['u-zhang', '2023-04-10T15:30:00.000Z'],
    ]);
    expect((await notificationsOf(escalationId)).map((t) => t.recipient_id)).toContain('u-city-chief');
    runtime.clock.set('2023-04-10T09:00:00.000Z');
  });

  it('deadlines three days away are reminded once per person and deadline; passed ones are told', async () => {
    const itemId = await itemInRectification(runtime, campaignId); // rectification deadline 2023-08-01T00:00Z
    runtime.clock.set('2023-07-28T00:00:00.000Z');
    expect(
      (await remindDueSoon(runtime.store, runtime.notifications, runtime.clock)).filter((t) => t.kind),
    ).not.toContainEqual(expect.objectContaining({ recipientId: 'u-zhang' }));
    runtime.clock.set('2023-07-29T12:00:00.000Z');
    const first = await remindDueSoon(runtime.store, runtime.notifications, runtime.clock);
    const again = await remindDueSoon(runtime.store, runtime.notifications, runtime.clock);
    const mine = (await notificationsOf(itemId)).filter((t) => t.kind === 'deadline_approaching');
    expect(mine.map((t) => t.recipient_id)).toEqual(['u-officer', 'u-zhang']);
    expect(first.filter((t) => t.kind === 'deadline_approaching').length).toBeGreaterThanOrEqual(2);
    expect(again).toEqual([]);
    // The subject names the item by its ledger 具体表现 (an item id is a UUID nobody recognises).
    expect(mine[0]!.subject).toBe(`【临期提醒】随意拦车 还有 3 天到期`);

    runtime.clock.set('2023-08-01T00:00:01.000Z');
    await runtime.scheduler.tick();
    const passed = (await notificationsOf(itemId)).filter((t) => t.kind === 'deadline_passed');
    expect(passed.map((t) => t.recipient_id)).toEqual(['u-hz-chief', 'u-officer', 'u-zhang']);
    runtime.clock.set('2023-04-10T09:00:00.000Z');
  });

  it('the digest of a day lists the overdue and the due-soon items a person answers for', async () => {
    runtime.clock.set('2023-04-10T09:00:00.000Z');
    const soon = await itemInRectification(runtime, campaignId);
    await runtime.engine.execute(
      soon,
      { type: 'EXTEND_DEADLINE', deadline: '2023-08-05T00:00:00.000Z', reason: '延期' },
      officer,
    );
    const late = await itemInRectification(runtime, campaignId); // due 2023-08-01
    const far = await itemInRectification(runtime, campaignId);
    await runtime.engine.execute(
      far,
      { type: 'EXTEND_DEADLINE', deadline: '2023-09-20T00:00:00.000Z', reason: '延期' },
      officer,
    );
    runtime.clock.set('2023-08-01T00:00:01.000Z');
    await runtime.scheduler.tick(); // marks `late` overdue
    runtime.clock.set('2023-08-03T01:00:00.000Z');
    await service.setPreferences('u-zhang', {
      channels: ['inbox', 'email'],
      email: 'zhang@example.test',
      quietHours: null,
      digest: true,
    });

    const digest = await runtime.store.transaction((tx) =>
      buildDigest((s, p) => tx.query(s, p), 'u-zhang', '2023-08-03'),
    );
    expect(digest.overdue.map((l) => l.streamId)).toContain(late);
    expect(digest.dueSoon.map((l) => l.streamId)).toContain(soon);
    expect([...digest.overdue, ...digest.dueSoon].map((l) => l.streamId)).not.toContain(far);
    expect(digest.list).toContain(`· ${late}（整改中）期限 2023-08-01 08:00`);

    const told = await runtime.store.transaction((tx) =>
      recordDigest((s, p) => tx.query(s, p), runtime.notifications, 'u-zhang', '2023-08-03'),
    );
    const twice = await runtime.store.transaction((tx) =>
      recordDigest((s, p) => tx.query(s, p), runtime.notifications, 'u-zhang', '2023-08-03'),
    );
    expect(told).toEqual([expect.objectContaining({ kind: 'daily_digest', recipientId: 'u-zhang' })]);
    expect(twice).toEqual([]);
    const [mail] = await rows<Queued>(
      runtime,
      `SELECT * FROM notification_deliveries WHERE message_id = $1`,
      [told[0]!.id],
    );
    expect(mail).toMatchObject({ channel: 'email', target: 'zhang@example.test' });
    expect(String(mail!.payload.subject)).toMatch(/^【每日汇总】2023-08-03：临期 \d+ 项，逾期 \d+ 项$/);
    runtime.clock.set('2023-04-10T09:00:00.000Z');
  });
});

describe('subject lines name the item as people know it', () => {
  it('uses the ledger manifestation, else the description, on one line and cut at 24 characters', () => {
    const clue = {
      description: '  执法人员\n随意拦车、扣车，并对当事人态度粗暴，群众反映强烈，要求严肃处理  ',
    };
    expect(itemTitleOf({ clue, ledger: { manifestation: '随意拦车' } } as never)).toBe('随意拦车');
    expect(itemTitleOf({ clue, ledger: null } as never)).toBe(
      '执法人员 随意拦车、扣车，并对当事人态度粗暴，群…',
    );
    expect(itemTitleOf({ clue: { description: '窗口态度差' }, ledger: null } as never)).toBe('窗口态度差');
  });
});
