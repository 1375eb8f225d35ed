import { openDatabase, type Database } from '../../src/persistence/database';
import { createThrowawayDatabase } from '../../src/persistence/throwaway-database';

/** A throwaway, migrated PostgreSQL database for one benchmark; `close` drops it. */
export async function throwawayPostgres(poolSize = 10): Promise<Database & { url: string }> {
  const throwaway = await createThrowawayDatabase('zz_bench', process.env.BENCH_ADMIN_DATABASE_URL);
  const database = await openDatabase({ url: throwaway.url, poolSize });
  return {
    ...database,
    url: throwaway.url,
    close: async () => {
      await database.close();
      await throwaway.drop();
    },
  };
}

/** Runs `work(i)` for i in [0, count) on `concurrency` workers; returns elapsed seconds. */
export async function runConcurrently(
  count: number,
  concurrency: number,
  work: (i: number) => Promise<unknown>,
): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        await work(i);
      }
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e9;
}
