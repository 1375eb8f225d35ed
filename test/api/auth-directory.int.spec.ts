import { problemType, startApi, type ApiHarness } from './support';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ loginRateLimit: { limit: 3, windowMs: 60_000 } });
});
afterAll(() => api.close());

describe('authentication', () => {
  it('logs in with scrypt-hashed passwords and tells who the caller is', async () => {
    const stored = (await api.runtime.database.dataSource.query(
      `SELECT password_hash FROM users WHERE username = 'auditor'`,
    )) as Array<{ password_hash: string }>;
    expect(stored[0]!.password_hash).toMatch(/^scrypt\$10\$8\$1\$/);
    const me = await api.http.get('/auth/me').set(api.as('principal')).expect(200);
    expect(me.body).toEqual({
      id: 'u-principal',
      username: 'principal',
      role: 'supervisor',
      roleLabel: '督导人员',
      unitId: 'xn-hz',
      unitPath: '/xn-city/xn-hz/',
      isPrincipal: true,
    });
  });

  it('answers a wrong password and an unknown user alike, and rate-limits attempts per user', async () => {
    const wrong = await api.http
      .post('/auth/login')
      .send({ username: 'auditor.dt', password: 'wrong-password' })
      .expect(401);
    const unknown = await api.http
      .post('/auth/login')
      .send({ username: 'nobody', password: 'wrong-password' })
      .expect(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    await api.http
      .post('/auth/login')
      .send({ username: 'auditor.dt', password: 'wrong-password' })
      .expect(401);
    await api.http
      .post('/auth/login')
      .send({ username: 'auditor.dt', password: 'wrong-password' })
      .expect(401);
    const limited = await api.http
      .post('/auth/login')
      .send({ username: 'auditor.dt', password: 'wrong-password' })
      .expect(429);
    expect(limited.body.type).toBe(problemType('too-many-requests'));
    expect(limited.headers['retry-after']).toBeDefined();
    // Another username from the same address is not locked out by it.
    await api.http
      .post('/auth/login')
      .send({ username: 'officer.det', password: 'zhengzhi-demo' })
      .expect(200);
  });

  it('issues API tokens shown once, stored hashed, usable as bearer credentials, revocable', async () => {
    const created = await api.http
      .post('/auth/tokens')
      .set(api.as('officer'))
      .send({ name: '12328 热线对接' })
      .expect(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^zzt_/);
    const rows = (await api.runtime.database.dataSource.query(
      'SELECT token_hash FROM api_tokens WHERE id = $1',
      [created.body.id],
    )) as Array<{ token_hash: string }>;
    expect(rows[0]!.token_hash).not.toContain(token.slice(4));
    const me = await api.http.get('/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    expect(me.body.id).toBe('u-officer');
    const listed = await api.http.get('/auth/tokens').set(api.as('officer')).expect(200);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: created.body.id, name: '12328 热线对接', revokedAt: null }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(token);
    await api.http.delete(`/auth/tokens/${created.body.id}`).set(api.as('supervisor')).expect(404);
    await api.http.delete(`/auth/tokens/${created.body.id}`).set(api.as('officer')).expect(204);
    await api.http.get('/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
  });
});

describe('units and users', () => {
  it('lets a supervisor create units and users in the subtree; the new user logs in', async () => {
    const unit = await api.http
      .post('/units')
      .set(api.as('principal'))
      .send({ id: 'xn-hz-sq1', name: '湟中一中队', level: 'squad', parentId: 'xn-hz-det' })
      .expect(201);
    expect(unit.body.path).toBe('/xn-city/xn-hz/xn-hz-det/xn-hz-sq1/');
    await api.http.get('/units/xn-hz-sq1').set(api.as('officer')).expect(200);
    const user = await api.http
      .post('/users')
      .set(api.as('principal'))
      .send({
        id: 'u-sq1',
        username: 'sq1.officer',
        displayName: '中队执法员',
        role: 'officer',
        unitId: 'xn-hz-sq1',
        password: 'a-long-enough-password',
      })
      .expect(201);
    expect(user.body).toMatchObject({ id: 'u-sq1', canLogIn: true, isPrincipal: false });
    const login = await api.http
      .post('/auth/login')
      .send({ username: 'sq1.officer', password: 'a-long-enough-password' })
      .expect(200);
    expect(login.body).toMatchObject({
      tokenType: 'Bearer',
      expiresIn: 900,
      user: { unitPath: '/xn-city/xn-hz/xn-hz-det/xn-hz-sq1/' },
    });
    const read = await api.http.get('/users/u-sq1').set(api.as('officer')).expect(200);
    expect(read.body).toMatchObject({ username: 'sq1.officer', role: 'officer', canLogIn: true });
    await api.http.get('/users/u-sq1').set(api.as('officer.dt')).expect(403);
    await api.http.get('/users/nobody').set(api.as('officer')).expect(404);
    const users = await api.http.get('/users?unitId=xn-hz-sq1').set(api.as('officer')).expect(200);
    expect(users.body.items.map((u: { id: string }) => u.id)).toEqual(['u-sq1']);
    const weak = await api.http
      .post('/users')
      .set(api.as('principal'))
      .send({
        id: 'u-x',
        username: 'x.y',
        displayName: 'x',
        role: 'officer',
        unitId: 'xn-hz',
        password: 'short',
      })
      .expect(400);
    expect(weak.body.invalidFields[0].field).toBe('password');
    const badLevel = await api.http
      .post('/units')
      .set(api.as('supervisor'))
      .send({ id: 'xn-bad', name: 'x', level: 'province', parentId: 'xn-city' })
      .expect(400);
    expect(badLevel.body.type).toBe(problemType('invalid-input'));
  });
});

describe('campaign configuration', () => {
  it('creates from a template or explicit fields, lists, and changes deadlines and categories', async () => {
    const fromTemplate = await api.http
      .post('/campaigns')
      .set(api.as('supervisor'))
      .send({
        template: 'zhanjiang-2021',
        unitId: 'xn-city',
        deadlines: { mobilize: '2021-05-20T00:00:00+08:00' },
      })
      .expect(201);
    const id = fromTemplate.body.streamId as string;
    const explicit = await api.http
      .post('/campaigns')
      .set(api.as('principal'))
      .send({
        campaignId: 'hz-own',
        name: '湟中区自查',
        unitId: 'xn-hz',
        categories: [{ code: 'rough', label: '执法粗暴' }],
        deadlines: { rectify: '2023-10-31T23:59:59+08:00' },
      })
      .expect(201);
    expect(explicit.body.streamId).toBe('hz-own');
    const mine = await api.http.get('/campaigns').set(api.as('officer')).expect(200);
    expect(mine.body.items.map((c: { streamId: string }) => c.streamId).sort()).toEqual(
      [id, 'hz-own'].sort(),
    );
    const dt = await api.http.get('/campaigns').set(api.as('officer.dt')).expect(200);
    expect(dt.body.items.map((c: { streamId: string }) => c.streamId)).toEqual([id]);
    await api.http
      .post(`/campaigns/${id}/commands/set-phase-deadline`)
      .set(api.as('supervisor'))
      .send({ phase: 'identify', deadline: '2021-07-15T00:00:00+08:00' })
      .expect(200);
    await api.http
      .post(`/campaigns/${id}/commands/set-categories`)
      .set(api.as('supervisor'))
      .send({ categories: [{ code: 'poor_style', label: '作风不优' }] })
      .expect(200);
    await api.http
      .post(`/campaigns/${id}/commands/set-checklist`)
      .set(api.as('supervisor'))
      .send({ checklist: [{ number: 1, area: '一', heading: '(一)', text: '宗旨意识' }] })
      .expect(200);
    await api.http
      .post(`/campaigns/${id}/commands/add-obligation`)
      .set(api.as('supervisor'))
      .send({ code: 'daily_report', label: '日报', phase: 'identify' })
      .expect(200);
    const read = await api.http.get(`/campaigns/${id}`).set(api.as('supervisor')).expect(200);
    expect(read.body.context.deadlines.identify).toBe('2021-07-15T00:00:00+08:00');
    expect(read.body.context.categories).toEqual([{ code: 'poor_style', label: '作风不优' }]);
    expect(read.body.context.checklist).toHaveLength(1);
    expect(read.headers.etag).toBe(`"${read.body.version}"`);
    const missing = await api.http
      .post('/campaigns')
      .set(api.as('supervisor'))
      .send({ unitId: 'xn-city' })
      .expect(400);
    expect(missing.body.type).toBe(problemType('validation-failed'));
  });
});

describe('operations', () => {
  it('serves health, readiness, OpenAPI 3.1 from the DTOs and Swagger UI', async () => {
    await api.http.get('/healthz').expect(200, { status: 'ok' });
    const ready = await api.http.get('/readyz').expect(200);
    expect(ready.body.status).toBe('ready');
    const openapi = await api.http.get('/openapi.json').expect(200);
    expect(openapi.body.openapi).toBe('3.1.0');
    expect(
      openapi.body.paths['/items/{id}/commands/confirm'].post.requestBody.content['application/json'].schema
        .$ref,
    ).toBe('#/components/schemas/ConfirmDto');
    expect(openapi.body.components.schemas.ConfirmDto.required).toEqual(
      expect.arrayContaining(['category', 'severity', 'findings']),
    );
    expect(openapi.body.components.schemas.CreateCampaignDto.properties.categories.items.$ref).toBe(
      '#/components/schemas/CategoryDto',
    );
    expect(openapi.body.paths['/items'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['state', 'category', 'unitId', 'overdue', 'campaignId', 'limit', 'offset']),
    );
    const docs = await api.http.get('/docs/').expect(200);
    expect(docs.text).toContain('swagger-ui');
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
    // Swagger UI's script is served from the same origin, which helmet's Content-Security-Policy allows.
    const init = await api.http.get('/docs/swagger-ui-init.js').expect(200);
    expect(init.text).toContain('/openapi.json');
    expect(docs.headers['content-security-policy']).toContain("script-src 'self'");
  });
});

// Last: it blocks the test client's address for the rest of the file.
describe('login throttling per address', () => {
  it('limits failed logins per address across usernames (password spraying)', async () => {
    let attempts = 0;
    let response;
    do {
      response = await api.http
        .post('/auth/login')
        .send({ username: `spray${attempts++}`, password: 'guess' });
    } while (response.status === 401 && attempts < 50);
    expect(response.status).toBe(429);
    expect(response.body.detail).toMatch(/this address/);
    expect(attempts).toBeLessThanOrEqual(30);
  });
});
