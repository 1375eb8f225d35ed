import {
  command,
  createXiningCampaign,
  itemInRectification,
  problemType,
  registerItem,
  startApi,
  type ApiHarness,
} from './support';

let api: ApiHarness;
let campaignId: string;

beforeAll(async () => {
  api = await startApi({ bodyLimit: '2kb' });
  campaignId = await createXiningCampaign(api);
});
afterAll(() => api.close());

/** Every error is problem+json with the given status and type. */
function expectProblem(
  response: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
  status: number,
  slug: string,
) {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    type: problemType(slug),
    status,
    title: expect.any(String),
    detail: expect.any(String),
  });
}

describe('RFC 9457 problem responses', () => {
  it('400 lists every invalid field', async () => {
    const response = await api.http
      .post('/items')
      .set(api.as('officer'))
      .send({ campaignId, source: 'pigeon', receivedAt: 'yesterday' });
    expectProblem(response, 400, 'validation-failed');
    const fields = (response.body.invalidFields as Array<{ field: string }>).map((f) => f.field).sort();
    expect(fields).toEqual(['description', 'receivedAt', 'reportedUnitId', 'source']);
  });

  it('400 for unknown fields, and for nested invalid fields with their path', async () => {
    const unknown = await api.http
      .post('/items')
      .set(api.as('officer'))
      .send({
        ...{
          campaignId,
          reportedUnitId: 'xn-hz',
          source: 'email',
          description: 'x',
          receivedAt: '2023-04-01T00:00:00Z',
        },
        priority: 'high',
      });
    expectProblem(unknown, 400, 'validation-failed');
    expect(unknown.body.invalidFields).toEqual([
      { field: 'priority', messages: ['property priority should not exist'] },
    ]);
    const nested = await api.http
      .post('/campaigns')
      .set(api.as('supervisor'))
      .send({ name: 'x', unitId: 'xn-city', categories: [{ code: 'Bad Code', label: '' }] });
    expectProblem(nested, 400, 'validation-failed');
    expect((nested.body.invalidFields as Array<{ field: string }>).map((f) => f.field).sort()).toEqual([
      'categories.0.code',
      'categories.0.label',
    ]);
  });

  it('400 for malformed JSON and for a JSON body that is not an object', async () => {
    const malformed = await api.http
      .post('/items')
      .set(api.as('officer'))
      .set('Content-Type', 'application/json')
      .send('{"campaignId": ');
    expectProblem(malformed, 400, 'malformed-json');
    const array = await api.http.post('/items').set(api.as('officer')).send([1, 2]);
    expectProblem(array, 400, 'validation-failed');
  });

  it('415 for a body that is not JSON', async () => {
    const response = await api.http
      .post('/items')
      .set(api.as('officer'))
      .set('Content-Type', 'text/plain')
      .send('hello');
    expectProblem(response, 415, 'unsupported-media-type');
    const form = await api.http.post('/auth/login').type('form').send({ username: 'officer', password: 'x' });
    expectProblem(form, 415, 'unsupported-media-type');
  });

  it('413 for an oversized body', async () => {
    const response = await api.http
      .post('/items')
      .set(api.as('officer'))
      .send({ description: 'x'.repeat(5000) });
    expectProblem(response, 413, 'payload-too-large');
  });

  it('401 without a token, with a malformed header, with a forged or expired token', async () => {
    expectProblem(await api.http.get('/items'), 401, 'unauthenticated');
    expectProblem(await api.http.get('/items').set('Authorization', 'Basic abc'), 401, 'unauthenticated');
    expectProblem(
      await api.http.get('/items').set('Authorization', 'Bearer not.a.jwt'),
      401,
      'unauthenticated',
    );
    const [header, payload] = api.tokens.officer.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), role: 'supervisor' })).toString('base64url')}.c2lnbmF0dXJl`;
    expectProblem(
      await api.http.get('/items').set('Authorization', `Bearer ${forged}`),
      401,
      'unauthenticated',
    );
    api.runtime.clock.advance(16 * 60_000);
    try {
      const expired = await api.http.get('/items').set(api.as('officer'));
      expectProblem(expired, 401, 'unauthenticated');
      expect(expired.body.detail).toMatch(/expired/);
    } finally {
      api.runtime.clock.advance(-16 * 60_000);
    }
  });

  it('403 names the missing permission', async () => {
    const response = await api.http
      .post('/campaigns')
      .set(api.as('officer'))
      .send({ template: 'xining-2023', unitId: 'xn-hz' });
    expectProblem(response, 403, 'forbidden');
    expect(response.body.missingPermission).toBe('campaign:configure');
  });

  it('404 for unknown items, campaigns and routes', async () => {
    expectProblem(await api.http.get('/items/nope').set(api.as('officer')), 404, 'not-found');
    expectProblem(await api.http.get('/campaigns/nope').set(api.as('officer')), 404, 'not-found');
    expectProblem(
      await command(api, 'officer', 'nope', 'confirm', {
        category: 'rough',
        severity: 'minor',
        findings: 'x',
      }),
      404,
      'not-found',
    );
    expectProblem(await api.http.get('/no/such/route').set(api.as('officer')), 404, 'not-found');
    expectProblem(await api.http.get(`/items/${campaignId}`).set(api.as('officer')), 404, 'not-found');
  });

  it('409 on a stale If-Match or expectedVersion, with the current version', async () => {
    const id = await registerItem(api, campaignId);
    const assign = { unitId: 'xn-hz', officerId: 'u-officer', deadline: '2023-05-01T00:00:00.000Z' };
    const stale = await command(api, 'officer', id, 'assign-verification', { ...assign, expectedVersion: 2 });
    expectProblem(stale, 409, 'version-conflict');
    expect(stale.body).toMatchObject({ currentVersion: 1, expectedVersion: 2 });
    const staleHeader = await command(api, 'officer', id, 'assign-verification', assign).set(
      'If-Match',
      '"7"',
    );
    expectProblem(staleHeader, 409, 'version-conflict');
    await command(api, 'officer', id, 'assign-verification', assign).set('If-Match', '"1"').expect(200);
    const disagree = await command(api, 'officer', id, 'add-tag', { tag: 'x', expectedVersion: 2 }).set(
      'If-Match',
      '"3"',
    );
    expectProblem(disagree, 400, 'validation-failed');
    expectProblem(
      await command(api, 'officer', id, 'add-tag', { tag: 'x' }).set('If-Match', 'yesterday'),
      400,
      'validation-failed',
    );
  });

  it('422 for an event the state does not accept, listing the accepted events', async () => {
    const id = await registerItem(api, campaignId);
    const response = await command(api, 'supervisor', id, 'accept', {});
    expectProblem(response, 422, 'event-not-accepted');
    expect(response.body).toMatchObject({
      state: 'registered',
      acceptedEvents: expect.arrayContaining(['ASSIGN_VERIFICATION', 'TRANSFER']),
    });
  });

  it('422 with the reason when a guard refuses', async () => {
    const id = await itemInRectification(api, campaignId);
    const earlier = await command(api, 'officer', id, 'extend-deadline', {
      deadline: '2023-06-01T00:00:00.000Z',
      reason: '延期',
    });
    expectProblem(earlier, 422, 'guard-failed');
    expect(earlier.body.detail).toMatch(/deadline/);
    const category = await registerItem(api, campaignId);
    await command(api, 'officer', category, 'assign-verification', {
      unitId: 'xn-hz',
      officerId: 'u-officer',
      deadline: '2023-05-01T00:00:00.000Z',
    }).expect(200);
    const wrong = await command(api, 'officer', category, 'confirm', {
      category: 'weak_purpose',
      severity: 'minor',
      findings: 'x',
    });
    expectProblem(wrong, 422, 'guard-failed');
    expect(wrong.body.detail).toMatch(/not one of this campaign's categories/);
  });

  it('422 for a command on a finished stream', async () => {
    const id = await registerItem(api, campaignId);
    await command(api, 'officer', id, 'transfer', { to: '公安机关', reason: '涉嫌违法犯罪' }).expect(200);
    expectProblem(await command(api, 'officer', id, 'add-tag', { tag: 'x' }), 422, 'stream-finished');
  });

  it('409 for a duplicate unit or user', async () => {
    expectProblem(
      await api.http
        .post('/units')
        .set(api.as('supervisor'))
        .send({ id: 'xn-hz', name: '重复', level: 'county', parentId: 'xn-city' }),
      409,
      'already-exists',
    );
  });

  it('sends request ids and never a 500 for client errors', async () => {
    const response = await api.http.get('/items').set('X-Request-Id', 'req-123');
    expect(response.headers['x-request-id']).toBe('req-123');
    expect(response.body.requestId).toBe('req-123');
  });
});
