import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { listen, type RunningServer } from '../../src/api/server';
import { jwtSecret } from '../../src/cli/serve-command';
import { problemType, startApi, testHashing, type ApiHarness } from './support';

let api: ApiHarness;
let second: RunningServer;

/** A second node: its own app (own limiter instances) on the same database. */
beforeAll(async () => {
  api = await startApi({ loginRateLimit: { limit: 4, windowMs: 60_000 } });
  const app = createApp(api.runtime, {
    auth: {
      jwtSecret: new TextEncoder().encode('test-secret-that-is-at-least-32-bytes-long'),
      passwordHashing: testHashing,
    },
    logger: pino({ level: 'silent' }),
    loginRateLimit: { limit: 4, windowMs: 60_000 },
  });
  second = await listen(app, 0);
});
afterAll(async () => {
  await second.close();
  await api.close();
});

describe('state shared by every node', () => {
  it('failed logins count across nodes: the limit does not multiply with the number of nodes', async () => {
    const nodes = [api.http, request(second.url)];
    const wrong = { username: 'officer.dt', password: 'wrong-password' };
    for (let attempt = 0; attempt < 4; attempt++)
      await nodes[attempt % 2]!.post('/auth/login').send(wrong).expect(401);
    const refused = await nodes[0]!.post('/auth/login').send(wrong).expect(429);
    expect(refused.body.type).toBe(problemType('too-many-requests'));
    await nodes[1]!.post('/auth/login').send(wrong).expect(429);
    const rows = (await api.runtime.database.dataSource.query(
      `SELECT hits FROM rate_limit_hits WHERE key LIKE 'login:%officer.dt'`,
    )) as Array<{ hits: number }>;
    expect(Number(rows[0]!.hits)).toBeGreaterThanOrEqual(4);
  });

  it('a token issued by one node is accepted by the other (one secret)', async () => {
    await request(second.url).get('/auth/me').set(api.as('officer')).expect(200);
  });

  it('serve --cluster refuses to start without ZHENGZHI_JWT_SECRET', () => {
    const logger = pino({ level: 'silent' });
    expect(() => jwtSecret(logger, true, {})).toThrow(/ZHENGZHI_JWT_SECRET/);
    expect(jwtSecret(logger, true, { ZHENGZHI_JWT_SECRET: 'x'.repeat(32) })).toHaveLength(32);
    expect(jwtSecret(logger, false, {})).toHaveLength(32);
  });
});
