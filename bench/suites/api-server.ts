/**
 * The API server process of the `api` benchmark: the real app on a loopback port, on the benchmark's
 * PostgreSQL database (DATABASE_URL). Started by `bench/suites/api.ts` with `fork`; reports its port over IPC.
 */
import pino from 'pino';
import { createApp } from '../../src/api/app';
import { createApiRuntime } from '../../src/api/runtime';
import { listen } from '../../src/api/server';
import { openDatabase } from '../../src/persistence/database';

async function main(): Promise<void> {
  const database = await openDatabase({
    url: process.env.DATABASE_URL,
    migrate: false,
    poolSize: Number(process.env.POOL_SIZE ?? 10),
  });
  const runtime = await createApiRuntime(database);
  // Request logs at `warn`: the benchmark measures the API, not the terminal.
  const app = createApp(runtime, {
    auth: { jwtSecret: new TextEncoder().encode(process.env.ZHENGZHI_JWT_SECRET!) },
    logger: pino({ level: 'warn' }),
    loginRateLimit: { limit: 1000, windowMs: 60_000 },
  });
  const server = await listen(app, 0);
  process.send?.({ port: server.port });
  process.on('message', async (message) => {
    if (message === 'stop') {
      await server.close();
      await database.close();
      process.exit(0);
    }
  });
}

void main();
