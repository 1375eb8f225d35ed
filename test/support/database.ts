import { openDatabase, type Database } from '../../src/persistence/database';
import { createThrowawayDatabase } from '../../src/persistence/throwaway-database';
import { partitionEventsByStream } from './partitioned-events';

/** Which database the suite runs on: `ZZ_TEST_DB=pglite` or (default) the real PostgreSQL. */
export const testDatabaseKind = process.env.ZZ_TEST_DB === 'pglite' ? 'pglite' : 'postgres';

/** The admin connection tests create their databases through (`TEST_ADMIN_DATABASE_URL` overrides). */
export const testAdminUrl = process.env.TEST_ADMIN_DATABASE_URL ?? undefined;

/**
 * A fresh, migrated database for one test file: a throwaway PostgreSQL database (dropped by `close`),
 * or an in-memory PGlite instance.
 */
export async function createTestDatabase(): Promise<Database & { url: string | null }> {
  if (testDatabaseKind === 'pglite') return { ...(await openDatabase({ dataDir: 'memory://' })), url: null };
  const throwaway = await createThrowawayDatabase('zz_test', testAdminUrl);
  const database = await openDatabase({ url: throwaway.url });
  // The "beyond one heap" run: events hash-partitioned by stream_id (README, "Beyond one PostgreSQL").
  if (process.env.ZZ_EVENTS_PARTITIONED === '1') await partitionEventsByStream(database);
  return {
    ...database,
    url: throwaway.url,
    close: async () => {
      await database.close();
      await throwaway.drop();
    },
  };
}
