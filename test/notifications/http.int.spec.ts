import {
  command,
  createXiningCampaign,
  itemInRectification,
  registerItem,
  startApi,
  type ApiHarness,
  uploadEvidence,
} from '../api/support';

let api: ApiHarness;
let campaignId: string;

beforeAll(async () => {
  api = await startApi();
  campaignId = await createXiningCampaign(api);
});
afterAll(() => api.close());

describe('notifications over the API', () => {
  it('a user sees only their own inbox, with unread counts, and marks only their own read', async () => {
    const itemId = await registerItem(api, campaignId, 'supervisor');
    await command(api, 'supervisor', itemId, 'assign-verification', {
      unitId: 'xn-hz',
      officerId: 'u-officer',
      deadline: '2023-05-01T00:00:00.000Z',
    }).expect(200);
    const inbox = await api.http.get('/notifications').set(api.as('officer')).expect(200);
    const mine = inbox.body.entries.filter((e: { streamId: string }) => e.streamId === itemId);
    expect(mine).toEqual([
      expect.objectContaining({ kind: 'item_assigned', recipientId: 'u-officer', readAt: null }),
    ]);
    expect(mine[0].subject).toBe(`【交办】线索核查：执法人员随意拦车、扣车`);
    const unread = (await api.http.get('/notifications/unread-count').set(api.as('officer')).expect(200)).body
      .unread;
    expect(unread).toBeGreaterThanOrEqual(1);
    expect(inbox.body.unread).toBe(unread);

    const others = await api.http.get('/notifications').set(api.as('principal')).expect(200);
    expect(others.body.entries.map((e: { recipientId: string }) => e.recipientId)).not.toContain('u-officer');
    // someone else's notification is not found for the caller, and stays unread
    await api.http.post(`/notifications/${mine[0].id}/read`).set(api.as('principal')).expect(404);
    await api.http
      .post('/notifications/read')
      .set(api.as('principal'))
      .send({ ids: [mine[0].id] })
      .expect(200)
      .expect((r) => expect(r.body.marked).toEqual([]));
    const read = await api.http.post(`/notifications/${mine[0].id}/read`).set(api.as('officer')).expect(200);
    expect(read.body.unread).toBe(unread - 1);
    await api.http
      .get('/notifications?unread=true')
      .set(api.as('officer'))
      .expect(200)
      .expect((r) => expect(r.body.entries.map((e: { id: string }) => e.id)).not.toContain(mine[0].id));
    await api.http.post('/notifications/read').set(api.as('officer')).send({}).expect(400);
    await api.http.get('/notifications').expect(401);
  });

  it('a refusal at acceptance reaches the handler and the unit principal through the API', async () => {
    const itemId = await itemInRectification(api, campaignId);
    await command(api, 'officer', itemId, 'submit-for-acceptance', {
      result: '已整改',
      files: [await uploadEvidence(api, 'officer', itemId)],
    }).expect(200);
    await command(api, 'supervisor', itemId, 'reject', { reason: '证据不足' }).expect(200);
    for (const login of ['officer', 'principal'] as const) {
      const inbox = await api.http
        .get('/notifications?kind=acceptance_rejected')
        .set(api.as(login))
        .expect(200);
      expect(inbox.body.entries.map((e: { streamId: string }) => e.streamId)).toContain(itemId);
    }
  });

  it('preferences are the caller’s own and checked', async () => {
    await api.http
      .put('/notifications/preferences')
      .set(api.as('officer'))
      .send({
        channels: ['inbox', 'email'],
        email: 'li@example.test',
        quietHours: { start: 22, end: 7 },
        digest: true,
      })
      .expect(200)
      .expect((r) =>
        expect(r.body).toEqual({
          channels: ['inbox', 'email'],
          email: 'li@example.test',
          quietHours: { start: 22, end: 7 },
          digest: true,
        }),
      );
    await api.http
      .get('/notifications/preferences')
      .set(api.as('principal'))
      .expect(200)
      .expect((r) => expect(r.body.email).toBeNull());
    const bad = await api.http
      .put('/notifications/preferences')
      .set(api.as('officer'))
      .send({ channels: ['pager'], digest: false })
      .expect(400);
    expect(bad.headers['content-type']).toContain('application/problem+json');
    await api.http
      .put('/notifications/preferences')
      .set(api.as('officer'))
      .send({ channels: ['inbox', 'email'], digest: false })
      .expect(400)
      .expect((r) => expect(r.body.detail).toContain('email'));
  });

  it('templates, endpoints and the delivery queue belong to supervisors of the top unit', async () => {
    await api.http.get('/notification-templates').set(api.as('officer')).expect(200);
    const body = { subject: '交办 {{itemId}}', body: '请于 {{deadline}} 前办结' };
    await api.http.put('/notification-templates/item_assigned').set(api.as('officer')).send(body).expect(403);
    await api.http
      .put('/notification-templates/item_assigned')
      .set(api.as('principal'))
      .send(body)
      .expect(403);
    const wrong = await api.http
      .put('/notification-templates/item_assigned')
      .set(api.as('supervisor'))
      .send({ subject: '交办', body: '第一行\n{{nope}}' })
      .expect(400);
    expect(wrong.body.detail).toContain('body:2:1: unknown placeholder {{nope}}');
    await api.http
      .put('/notification-templates/no_such_kind')
      .set(api.as('supervisor'))
      .send(body)
      .expect(404);
    const saved = await api.http
      .put('/notification-templates/item_assigned')
      .set(api.as('supervisor'))
      .send(body)
      .expect(200);
    expect(saved.body).toMatchObject({
      kind: 'item_assigned',
      customised: true,
      updatedBy: 'u-supervisor',
      ...body,
    });
    await api.http.delete('/notification-templates/item_assigned').set(api.as('supervisor')).expect(200);

    await api.http
      .post('/notification-endpoints')
      .set(api.as('supervisor'))
      .send({ kind: 'webhook', url: 'ftp://example.test/x', secret: 'long-enough-secret-123' })
      .expect(400);
    await api.http
      .post('/notification-endpoints')
      .set(api.as('principal'))
      .send({ kind: 'webhook', url: 'http://127.0.0.1:9/x', secret: 'long-enough-secret-123' })
      .expect(403);
    const created = await api.http
      .post('/notification-endpoints')
      .set(api.as('supervisor'))
      .send({
        id: 'ep-api',
        kind: 'webhook',
        url: 'http://127.0.0.1:9/x',
        secret: 'long-enough-secret-123',
        topics: ['event.item.*'],
      })
      .expect(201);
    expect(created.body).toMatchObject({ id: 'ep-api', hasSecret: true });
    expect(created.body.secret).toBeUndefined();
    await registerItem(api, campaignId);
    const queue = await api.http
      .get('/notification-deliveries?status=pending&channel=webhook')
      .set(api.as('supervisor'))
      .expect(200);
    expect(queue.body.deliveries.length).toBeGreaterThanOrEqual(1);
    await api.http.get('/notification-deliveries').set(api.as('officer')).expect(403);
    await api.http.post('/notification-deliveries/redeliver').set(api.as('supervisor')).send({}).expect(400);
    await api.http
      .post('/notification-deliveries/redeliver')
      .set(api.as('supervisor'))
      .send({ dead: true })
      .expect(200)
      .expect((r) => expect(r.body).toEqual({ queued: 0 }));
    await api.http
      .post('/notification-endpoints')
      .set(api.as('supervisor'))
      .send({
        id: 'ep-api',
        kind: 'webhook',
        url: 'http://127.0.0.1:9/x',
        secret: 'long-enough-secret-123',
        active: false,
      })
      .expect(201);
  });
});
