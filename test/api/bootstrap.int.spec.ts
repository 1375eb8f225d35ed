import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildProgram } from '../../src/cli/main';
import { createThrowawayDatabase } from '../../src/persistence/throwaway-database';
import { openDatabase, type Database } from '../../src/persistence/database';
import { testAdminUrl, testDatabaseKind } from '../support/database';

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
});
