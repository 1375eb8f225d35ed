import {
  command,
  createXiningCampaign,
  itemInRectification,
  problemType,
  startApi,
  type ApiHarness,
} from './support';

let api: ApiHarness;
let campaignId: string;
let itemId: string;

beforeAll(async () => {
  api = await startApi();
  campaignId = await createXiningCampaign(api);
  itemId = await itemInRectification(api, campaignId);
});
afterAll(() => api.close());

/** A digest of every table a refused request could touch: nothing may change. */
const tableDigest = async () =>
  (await api.runtime.database.dataSource.query(`
    SELECT (SELECT count(*) FROM events) AS events, (SELECT max(version) FROM streams) AS version,
           (SELECT count(*) FROM idempotency_keys) AS keys, (SELECT count(*) FROM api_tokens) AS tokens,
           (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM units) AS units`)) as unknown[];

/** Asserts a 400 problem+json whose invalidFields name `field`. */
function expectRefused(
  response: {
    status: number;
    headers: Record<string, string>;
    body: { type?: string; invalidFields?: Array<{ field: string }> };
  },
  field: string,
) {
  expect(response.status).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body.type).toBe(problemType('validation-failed'));
  expect((response.body.invalidFields ?? []).map((f) => f.field)).toContain(field);
}

describe('NUL characters and lone surrogates are refused with 400 naming the field', () => {
  it.each([
    ['/items/%00', 'path.id'],
    ['/items/abc%00def', 'path.id'],
    ['/items/abc%00def/history', 'path.id'],
    ['/campaigns/%00', 'path.id'],
    ['/escalations/x%00', 'path.id'],
    ['/units/%00', 'path.id'],
    ['/items/%ED%A0%80', 'path.id'],
    ['/items?campaignId=%00', 'query.campaignId'],
    ['/items?state=a%00b', 'query.state'],
    ['/escalations?itemId=%00', 'query.itemId'],
  ])('GET %s', async (url, field) => {
    const response = await api.http.get(url).set(api.as('supervisor'));
    expectRefused(response, field);
  });

  it('in command bodies, logins and token names; nothing changes', async () => {
    const before = await tableDigest();
    expectRefused(
      await command(api, 'officer', itemId, 'record-progress', { note: 'a\u0000b', evidence: [] }),
      'body.note',
    );
    expectRefused(
      await command(api, 'officer', itemId, 'record-progress', { note: 'ok', evidence: ['x\ud800y'] }),
      'body.evidence[0]',
    );
    expectRefused(
      await api.http.post('/auth/login').send({ username: 'officer\u0000', password: 'zhengzhi-demo' }),
      'body.username',
    );
    expectRefused(
      await api.http.post('/auth/login').send({ username: 'officer\udc00', password: 'zhengzhi-demo' }),
      'body.username',
    );
    expectRefused(
      await api.http.post('/auth/tokens').set(api.as('officer')).send({ name: 'ci\u0000' }),
      'body.name',
    );
    expectRefused(
      await command(api, 'officer', `${itemId}%00`, 'add-tag', { tag: 'x' }).set('Idempotency-Key', 'k-nul'),
      'path.id',
    );
    expect(await tableDigest()).toEqual(before);
  });
});

describe('prototype keys', () => {
  it('refuses {"__proto__": …} in a command body like any unknown field', async () => {
    const before = await tableDigest();
    const response = await api.http
      .post(`/items/${itemId}/commands/add-tag`)
      .set(api.as('officer'))
      .set('content-type', 'application/json')
      .send('{"tag":"x","__proto__":{"isAdmin":true}}');
    expectRefused(response, 'body.__proto__');
    const nested = await api.http
      .post(`/items/${itemId}/commands/record-progress`)
      .set(api.as('officer'))
      .set('content-type', 'application/json')
      .send('{"note":"n","evidence":[{"__proto__":{"x":1}}]}');
    expectRefused(nested, 'body.evidence[0].__proto__');
    expect(await tableDigest()).toEqual(before);
  });
});

describe('API tokens', () => {
  it('auditors hold only read: they cannot create API tokens', async () => {
    const before = await tableDigest();
    const response = await api.http.post('/auth/tokens').set(api.as('auditor')).send({ name: 'audit-ci' });
    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({
      type: problemType('forbidden'),
      missingPermission: 'api-token:manage',
    });
    expect(await tableDigest()).toEqual(before);
    await api.http.post('/auth/tokens').set(api.as('officer')).send({ name: 'officer-ci' }).expect(201);
  });
});
