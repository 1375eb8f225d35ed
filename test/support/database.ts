import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/persistence/database';

/** Which database the suite runs on: `ZZ_TEST_DB=pglite` or (default) the real PostgreSQL. */
export const testDatabaseKind = process.env.ZZ_TEST_DB === 'pglite' ? 'pglite' : 'postgres';

const adminUrl = process.env.TEST_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * A fresh, migrated database for one test file: a throwaway PostgreSQL database (dropped by `close`),
 * or an in-memory PGlite instance.
 */
export async function createTestDatabase(): Promise<Database & { url: string | null }> {
  if (testDatabaseKind === 'pglite') return { ...(await openDatabase({ dataDir: 'memory://' })), url: null };
  const name = `zz_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  return {
    ...database,
    url: url.toString(),
    close: async () => {
      await database.close();
      const dropper = new Client({ connectionString: adminUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}
