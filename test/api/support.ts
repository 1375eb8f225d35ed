import pino from 'pino';
import request from 'supertest';
import { apiContext, createApp } from '../../src/api/app';
import type { ApiContext } from '../../src/api/context';
import type { IdempotencyStore } from '../../src/api/idempotency';
import { hashPassword } from '../../src/api/auth/passwords';
import { createApiRuntime } from '../../src/api/runtime';
import type { RouterFactory } from '../../src/api/routes';
import { listen, type RunningServer } from '../../src/api/server';
import { campaignTemplates } from '../../src/machines/campaign-templates';
import { loadDemoDirectory, demoLogins } from '../../src/demo/load-demo';
import type { Runtime } from '../../src/runtime/runtime';
import type { AppendHook } from '../../src/engine/engine';
import { ManualClock, SequentialIds } from '../../src/shared/clock';
import { openDeploymentClock } from '../../src/runtime/sandbox';
import { createTestDatabase } from '../support/database';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { FileSystemBlobStore, type BlobStore } from '../../src/persistence/blob-store';

export const T0 = '2023-04-10T09:00:00.000Z';
/** Cheap scrypt parameters: tests check behaviour, not hashing cost. */
export const testHashing = { logN: 10, blockSize: 8, parallelism: 1 };

/** Users on top of the demo ones, so that every role exists both inside and outside 湟中区's subtree. */
const extraUsers = [
  {
    id: 'u-sup-dt',
    username: 'supervisor.dt',
    displayName: '大通督导',
    role: 'supervisor',
    unitId: 'xn-dt',
    isPrincipal: false,
  },
  {
    id: 'u-aud-dt',
    username: 'auditor.dt',
    displayName: '大通督查',
    role: 'auditor',
    unitId: 'xn-dt',
    isPrincipal: false,
  },
  {
    id: 'u-principal-dt',
    username: 'principal.dt',
    displayName: '大通局长',
    role: 'supervisor',
    unitId: 'xn-dt',
    isPrincipal: true,
  },
  {
    id: 'u-officer-det',
    username: 'officer.det',
    displayName: '湟中大队执法员',
    role: 'officer',
    unitId: 'xn-hz-det',
    isPrincipal: false,
  },
] as const;

export type Login = (typeof demoLogins.users)[number]['username'] | (typeof extraUsers)[number]['username'];

export interface ApiHarness {
  /** (On a sandbox harness the clock is the database's SandboxClock, not a ManualClock.) */
  runtime: Runtime & { clock: ManualClock };
  server: RunningServer;
  http: ReturnType<typeof request>;
  /** The app's API context (services such as the live feed). */
  context: ApiContext;
  tokens: Record<Login, string>;
  /** `Authorization` header for a user. */
  as(login: Login): { Authorization: string };
  /** The app's Idempotency-Key store (tests simulate a holder that died). */
  idempotency(): IdempotencyStore;
  close(): Promise<void>;
}

/** A real server on a loopback port, on a fresh test database with the demo unit tree and users logged in. */
export async function startApi(
  options: {
    hooks?: AppendHook[];
    loginRateLimit?: { limit: number; windowMs: number };
    bodyLimit?: string;
    extraRouters?: RouterFactory[];
    liveHeartbeatMs?: number;
    evidenceStore?: BlobStore;
    /** A drill database (演练): the runtime runs on its sandbox clock, starting at `clock`. */
    sandbox?: { clock: string };
  } = {},
): Promise<ApiHarness> {
  const database = await createTestDatabase();
  const deployment = options.sandbox
    ? await openDeploymentClock(database, { sandbox: true, clock: options.sandbox.clock })
    : null;
  const clock = deployment?.sandbox ?? new ManualClock(T0);
  const runtime = (await createApiRuntime(database, {
    clock,
    ids: new SequentialIds(),
    hooks: options.hooks,
  })) as Runtime & { clock: ManualClock };
  await loadDemoDirectory(runtime, testHashing);
  const passwordHash = await hashPassword(demoLogins.password, testHashing);
  for (const user of extraUsers) await runtime.directory.createUser({ ...user, passwordHash }, clock.now());
  const app = createApp(runtime, {
    auth: {
      jwtSecret: new TextEncoder().encode('test-secret-that-is-at-least-32-bytes-long'),
      passwordHashing: testHashing,
    },
    logger: pino({ level: 'silent' }),
    loginRateLimit: options.loginRateLimit ?? { limit: 1000, windowMs: 60_000 },
    bodyLimit: options.bodyLimit,
    extraRouters: options.extraRouters,
    liveHeartbeatMs: options.liveHeartbeatMs,
    evidenceStore: options.evidenceStore ?? new FileSystemBlobStore(join(tmpdir(), 'zz-test-evidence')),
    ...(deployment?.sandbox ? { sandbox: deployment.sandbox } : {}),
  });
  const server = await listen(app, 0);
  const http = request(server.url);
  const tokens = {} as Record<Login, string>;
  for (const username of [...demoLogins.users.map((u) => u.username), ...extraUsers.map((u) => u.username)]) {
    const response = await http
      .post('/auth/login')
      .send({ username, password: demoLogins.password })
      .expect(200);
    tokens[username as Login] = response.body.accessToken as string;
  }
  return {
    runtime,
    server,
    http,
    context: apiContext(app),
    tokens,
    as: (login) => ({ Authorization: `Bearer ${tokens[login]}` }),
    idempotency: () => apiContext(app).idempotency,
    close: async () => {
      await server.close();
      await database.close();
    },
  };
}

/** Creates the Xining 2023 campaign (run by the city bureau) through the API and returns its id. */
export async function createXiningCampaign(api: ApiHarness, campaignId = 'xn-2023'): Promise<string> {
  const response = await api.http
    .post('/campaigns')
    .set(api.as('supervisor'))
    .send({
      template: 'xining-2023',
      campaignId,
      unitId: 'xn-city',
      checklist: [
        { number: 1, area: '一', heading: '(一)', text: '下达罚没指标' },
        { number: 2, area: '一', heading: '(一)', text: '乱罚款' },
      ],
    })
    .expect(201);
  return response.body.streamId as string;
}

export const clue = (campaignId: string, reportedUnitId = 'xn-hz') => ({
  campaignId,
  reportedUnitId,
  source: 'hotline12328',
  description: '执法人员随意拦车、扣车',
  receivedAt: '2023-04-09T02:00:00.000Z',
});

/** Registers a clue as `login` and returns the item id. */
export async function registerItem(
  api: ApiHarness,
  campaignId: string,
  login: Login = 'officer',
  reportedUnitId = 'xn-hz',
): Promise<string> {
  const response = await api.http
    .post('/items')
    .set(api.as(login))
    .send(clue(campaignId, reportedUnitId))
    .expect(201);
  return response.body.streamId as string;
}

/** Sends one item command as `login`. */
export function command(
  api: ApiHarness,
  login: Login,
  itemId: string,
  segment: string,
  body: Record<string, unknown> = {},
) {
  return api.http.post(`/items/${itemId}/commands/${segment}`).set(api.as(login)).send(body);
}

export const ledger = {
  manifestation: '随意拦车',
  measures: '开展培训',
  responsibleUnitId: 'xn-hz',
  responsiblePerson: '张三',
  deadline: '2023-08-01T00:00:00.000Z',
};

/** Drives an item (as the 湟中 officer) to `rectifying`. */
export async function itemInRectification(api: ApiHarness, campaignId: string): Promise<string> {
  const id = await registerItem(api, campaignId);
  await command(api, 'officer', id, 'assign-verification', {
    unitId: 'xn-hz',
    officerId: 'u-officer',
    deadline: '2023-05-01T00:00:00.000Z',
  }).expect(200);
  await command(api, 'officer', id, 'confirm', {
    category: 'non_standard',
    severity: 'general',
    findings: '查实',
    checklistItem: 2,
  }).expect(200);
  await command(api, 'officer', id, 'start-rectification', ledger).expect(200);
  return id;
}

export const problemType = (slug: string) => `urn:zhengzhi:problem:${slug}`;
export { campaignTemplates };

/** A small PNG photo, different for each `seed` (content addressing would otherwise merge them). */
export async function samplePhoto(seed = 0): Promise<Buffer> {
  return sharp({
    create: { width: 8, height: 8, channels: 3, background: { r: seed % 256, g: (seed >> 8) % 256, b: 90 } },
  })
    .png()
    .toBuffer();
}

/** Uploads a photo to the item as `login` and returns its SHA-256 file id (for `files` in a command). */
export async function uploadEvidence(
  api: ApiHarness,
  login: Login,
  itemId: string,
  seed = 0,
): Promise<string> {
  const response = await api.http
    .post(`/items/${itemId}/evidence?name=${encodeURIComponent('整改照片.png')}`)
    .set(api.as(login))
    .set('Content-Type', 'image/png')
    .send(await samplePhoto(seed))
    .expect((r) => {
      if (r.status !== 201 && r.status !== 200)
        throw new Error(`upload: ${r.status} ${JSON.stringify(r.body)}`);
    });
  return response.body.sha256 as string;
}

/** Moves the harness clock (access tokens are checked against it) and logs `logins` in again at that instant. */
export async function moveClock(api: ApiHarness, at: string, logins: readonly Login[]): Promise<void> {
  api.runtime.clock.set(at);
  for (const username of logins) {
    const response = await api.http
      .post('/auth/login')
      .send({ username, password: demoLogins.password })
      .expect(200);
    api.tokens[username] = response.body.accessToken as string;
  }
}
