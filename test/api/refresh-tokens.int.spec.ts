import { startApi, type ApiHarness } from './support';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

const login = async (username = 'officer') =>
  (await api.http.post('/auth/login').send({ username, password: 'zhengzhi-demo' }).expect(200)).body as {
    accessToken: string;
    expiresAt: string;
    refreshToken: string;
    refreshExpiresAt: string;
  };
const refresh = (refreshToken: string) => api.http.post('/auth/refresh').send({ refreshToken });
const me = (accessToken: string) => api.http.get('/auth/me').set('Authorization', `Bearer ${accessToken}`);

describe('refresh tokens', () => {
  it('keeps a user logged in past the access token’s expiry, rotating the refresh token each time', async () => {
    const session = await login();
    expect(session.refreshToken).toMatch(/^zzr_/);
    expect(Date.parse(session.expiresAt) - api.runtime.clock.now().getTime()).toBe(15 * 60_000);
    api.runtime.clock.advance(16 * 60_000);
    await me(session.accessToken).expect(401);
    const renewed = await refresh(session.refreshToken).expect(200);
    expect(renewed.body.user.username).toBe('officer');
    expect(renewed.body.refreshToken).not.toBe(session.refreshToken);
    await me(renewed.body.accessToken).expect(200);
    api.runtime.clock.advance(16 * 60_000);
    const again = await refresh(renewed.body.refreshToken).expect(200);
    await me(again.body.accessToken).expect(200);
  });

  it('stores only hashes of refresh tokens', async () => {
    const session = await login('auditor');
    const rows = (await api.runtime.database.dataSource.query(
      'SELECT token_hash FROM refresh_tokens',
    )) as Array<{
      token_hash: string;
    }>;
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.token_hash.includes(session.refreshToken.slice(4, 20)))).toBe(false);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash))).toBe(true);
  });

  it('refuses a refresh token used a second time and revokes its whole family', async () => {
    const session = await login();
    const next = (await refresh(session.refreshToken).expect(200)).body as { refreshToken: string };
    const reuse = await refresh(session.refreshToken).expect(401);
    expect(reuse.body.detail).toMatch(/already used/);
    // The legitimate successor dies with the family: a thief and a victim both have to log in again.
    const successor = await refresh(next.refreshToken).expect(401);
    expect(successor.body.detail).toMatch(/revoked/);
    // Another login of the same user is a different family and is untouched.
    const other = await login();
    await refresh(other.refreshToken).expect(200);
  });

  it('revokes the family on logout (cookie form) and clears the cookie', async () => {
    const response = await api.http
      .post('/auth/login')
      .send({ username: 'supervisor', password: 'zhengzhi-demo' })
      .expect(200);
    const cookie = (response.headers['set-cookie'] as unknown as string[]).find((c) =>
      c.startsWith('zz_refresh='),
    )!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/auth/);
    const pair = cookie.split(';')[0]!;
    // The cookie alone refreshes (a browser never sees the token), even beside an expired access token.
    api.runtime.clock.advance(16 * 60_000);
    const viaCookie = await api.http
      .post('/auth/refresh')
      .set('Cookie', pair)
      .set('Authorization', `Bearer ${response.body.accessToken as string}`)
      .expect(200);
    const rotated = (viaCookie.headers['set-cookie'] as unknown as string[])[0]!.split(';')[0]!;
    expect(rotated).not.toBe(pair);
    const out = await api.http.post('/auth/logout').set('Cookie', rotated).expect(204);
    expect((out.headers['set-cookie'] as unknown as string[])[0]).toMatch(
      /^zz_refresh=;.*Expires=Thu, 01 Jan 1970/,
    );
    await api.http.post('/auth/refresh').set('Cookie', rotated).expect(401);
    await refresh(viaCookie.body.refreshToken as string).expect(401);
  });

  it('refuses an expired, unknown or missing refresh token, and a refresh token as a bearer credential', async () => {
    const session = await login();
    await me(session.refreshToken).expect(401);
    api.runtime.clock.advance(13 * 3_600_000);
    expect((await refresh(session.refreshToken).expect(401)).body.detail).toMatch(/expired/);
    await refresh('zzr_not-a-token').expect(401);
    await api.http.post('/auth/refresh').send({}).expect(401);
  });
});
