import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { createThrowawayDatabase } from '../../src/persistence/throwaway-database';
import { openDatabase, type Database } from '../../src/persistence/database';
import { testAdminUrl, testDatabaseKind } from '../support/database';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { createApiRuntime } from '../../src/api/runtime';
import { listen } from '../../src/api/server';
import { FileSystemBlobStore } from '../../src/persistence/blob-store';

let env: Record<string, string>;
let reopen: () => Promise<Database>;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  if (testDatabaseKind === 'pglite') {
    const dir = mkdtempSync(join(tmpdir(), 'zz-bootstrap-'));
    env = { ZHENGZHI_DATA_DIR: dir };
    reopen = () => openDatabase({ dataDir: dir });
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  } else {
    const throwaway = await createThrowawayDatabase('zz_test_bootstrap', testAdminUrl);
    env = { DATABASE_URL: throwaway.url };
    reopen = () => openDatabase({ url: throwaway.url });
    cleanup = () => throwaway.drop();
  }
});
afterAll(() => cleanup());

async function run(args: string[], extraEnv: Record<string, string>): Promise<void> {
  const saved = { ...process.env };
  Object.assign(process.env, { DATABASE_URL: '', ZHENGZHI_DATA_DIR: '' }, env, extraEnv);
  try {
    await buildProgram()
      .exitOverride()
      .parseAsync(['node', 'zhengzhi', ...args]);
  } finally {
    process.env = saved;
  }
}

const args = ['bootstrap', '--unit-id', 'xn-city', '--unit-name', '西宁市交通运输局', '--username', 'admin'];

describe('zhengzhi bootstrap', () => {
  it('refuses a short or missing password', async () => {
    await expect(run(args, { ZHENGZHI_ADMIN_PASSWORD: 'short' })).rejects.toThrow(/at least 12 characters/);
  });

  it('creates the root unit and the first supervisor with a scrypt hash, once', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    await run(args, { ZHENGZHI_ADMIN_PASSWORD: 'a-long-admin-password' });
    expect(log.mock.calls.flat().join(' ')).toMatch(/created unit xn-city and supervisor admin/);
    log.mockRestore();
    await expect(run(args, { ZHENGZHI_ADMIN_PASSWORD: 'a-long-admin-password' })).rejects.toThrow(
      /already has users/,
    );
    const database = await reopen();
    try {
      const rows = (await database.dataSource.query(
        `SELECT role, unit_id, password_hash FROM users`,
      )) as Array<{ role: string; unit_id: string; password_hash: string }>;
      expect(rows).toEqual([
        { role: 'supervisor', unit_id: 'xn-city', password_hash: expect.stringMatching(/^scrypt\$/) },
      ]);
    } finally {
      await database.close();
    }
  });

  it('--another-bureau adds independent root units to the same database; each supervisor stays in their tree', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    const bureau = (unitId: string, unitName: string, username: string, level = 'county') =>
      run(
        [
          'bootstrap',
          '--another-bureau',
          '--unit-id',
          unitId,
          '--unit-name',
          unitName,
          '--level',
          level,
          '--username',
          username,
        ],
        { ZHENGZHI_ADMIN_PASSWORD: `${username}-password` },
      );
    await bureau('jy-bureau', '江源区交通运输局', 'jy.admin');
    await bureau('hd-bureau', '海东市交通运输局', 'hd.admin', 'city');
    expect(log.mock.calls.flat().join('\n')).toMatch(
      /created the independent root unit jy-bureau and supervisor jy\.admin/,
    );
    log.mockRestore();
    // The same unit twice is refused (it would not be a new root), in Chinese when asked.
    await expect(bureau('jy-bureau', '江源区交通运输局', 'jy.other')).rejects.toThrow(
      /unit jy-bureau already exists/,
    );
    await expect(
      run(
        [
          '--lang',
          'zh',
          'bootstrap',
          '--another-bureau',
          '--unit-id',
          'jy-bureau',
          '--unit-name',
          '江源',
          '--username',
          'x',
        ],
        {
          ZHENGZHI_ADMIN_PASSWORD: 'a-long-admin-password',
        },
      ),
    ).rejects.toThrow('单位 jy-bureau 已存在');

    // The three bureaus over HTTP, as their supervisors log in.
    const database = await reopen();
    const runtime = await createApiRuntime(database);
    const app = createApp(runtime, {
      auth: { jwtSecret: new TextEncoder().encode('test-secret-that-is-at-least-32-bytes-long') },
      logger: pino({ level: 'silent' }),
      evidenceStore: new FileSystemBlobStore(join(tmpdir(), 'zz-test-evidence')),
    });
    const server = await listen(app, 0);
    try {
      const http = request(server.url);
      const as = async (username: string, password: string) => {
        const login = await http.post('/auth/login').send({ username, password }).expect(200);
        return { Authorization: `Bearer ${login.body.accessToken as string}` };
      };
      const xining = await as('admin', 'a-long-admin-password');
      const jiangyuan = await as('jy.admin', 'jy.admin-password');
      const haidong = await as('hd.admin', 'hd.admin-password');
      const roots = (await database.dataSource.query(
        'SELECT id FROM units WHERE parent_id IS NULL ORDER BY id',
      )) as Array<{ id: string }>;
      expect(roots.map((r) => r.id)).toEqual(['hd-bureau', 'jy-bureau', 'xn-city']);
      for (const [auth, own] of [
        [xining, 'xn-city'],
        [jiangyuan, 'jy-bureau'],
        [haidong, 'hd-bureau'],
      ] as const) {
        const units = await http.get('/units').set(auth).expect(200);
        expect((units.body.items ?? units.body).map((u: { id: string }) => u.id)).toEqual([own]);
      }
      await http
        .post('/campaigns')
        .set(jiangyuan)
        .send({ template: 'jiangyuan-2023', campaignId: 'jy-2023', unitId: 'jy-bureau' })
        .expect(201);
      await http
        .post('/campaigns')
        .set(jiangyuan)
        .send({ template: 'jiangyuan-2023', campaignId: 'jy-in-xn', unitId: 'xn-city' })
        .expect(403);
      expect([403, 404]).toContain((await http.get('/campaigns/jy-2023').set(haidong)).status);
      expect([403, 404]).toContain((await http.get('/campaigns/jy-2023').set(xining)).status);
      await http.get('/campaigns/jy-2023').set(jiangyuan).expect(200);
      await http
        .post('/units')
        .set(haidong)
        .send({ id: 'hd-x', name: '越权单位', level: 'detachment', parentId: 'jy-bureau' })
        .expect(403);
    } finally {
      await server.close();
      await database.close();
    }
  }, 60_000);
});
