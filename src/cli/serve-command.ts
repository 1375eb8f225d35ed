import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import pino from 'pino';
import { createApp } from '../api/app';
import { listen } from '../api/server';
import { createApiRuntime } from '../api/runtime';
import { loadDemo, demoLogins } from '../demo/load-demo';
import { openDatabaseFromEnvironment } from '../persistence/database';

/** The JWT key: `ZHENGZHI_JWT_SECRET` (≥ 32 bytes), or a random one for this process only. */
function jwtSecret(logger: pino.Logger): Uint8Array {
  const configured = process.env.ZHENGZHI_JWT_SECRET;
  if (configured) {
    if (Buffer.byteLength(configured) < 32)
      throw new Error('ZHENGZHI_JWT_SECRET must be at least 32 bytes long');
    return new TextEncoder().encode(configured);
  }
  logger.warn(
    'ZHENGZHI_JWT_SECRET is not set: using a random key for this process; tokens will not survive a restart',
  );
  return randomBytes(32);
}

/** `zhengzhi serve [--no-demo] [--port <n>] [--host <h>]`: the HTTP API (what `npm start` runs). */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API (loads the demo data on an empty database unless --no-demo)')
    .option('--no-demo', 'do not load the demo data into an empty database')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 3000)')
    .option('--host <host>', 'address to bind (default: $HOST or 127.0.0.1)')
    .action(async (options: { demo: boolean; port?: string; host?: string }) => {
      const logger = pino({ name: 'zhengzhi' });
      const port = Number(options.port ?? process.env.PORT ?? 3000);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new Error(`--port must be a port number, not ${options.port ?? process.env.PORT}`);
      const host = options.host ?? process.env.HOST ?? '127.0.0.1';
      const database = await openDatabaseFromEnvironment();
      const runtime = await createApiRuntime(database);
      const app = createApp(runtime, { auth: { jwtSecret: jwtSecret(logger) }, logger });
      if (options.demo)
        console.log('loading the demo data into an empty database (skipped when it has data)…');
      const demo = options.demo
        ? await loadDemo(runtime)
        : { loaded: false as const, reason: 'disabled with --no-demo' };
      const server = await listen(app, port, host);
      console.log(
        `zhengzhi API listening on ${server.url} (database: ${database.kind}); docs at ${server.url}/docs`,
      );
      if (demo.loaded) {
        console.log(
          `demo data loaded: campaign ${demo.campaignId} with ${demo.items} items and ${demo.escalations} escalations`,
        );
        console.log(`demo logins (password for all: ${demoLogins.password}):`);
        for (const login of demoLogins.users)
          console.log(`  ${login.username.padEnd(14)} ${login.description}`);
      } else {
        console.log(`demo data not loaded: ${demo.reason}`);
      }
      let stopping = false;
      const stop = async (signal: string) => {
        if (stopping) return;
        stopping = true;
        logger.info({ signal }, 'shutting down: finishing in-flight requests');
        await server.close();
        await runtime.database.close();
        logger.info('stopped');
      };
      process.once('SIGTERM', () => void stop('SIGTERM'));
      process.once('SIGINT', () => void stop('SIGINT'));
    });
}
