import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';

/** An open database: PostgreSQL through `DATABASE_URL`, or the embedded PGlite default. */
export interface Database {
  kind: 'postgres' | 'pglite';
  dataSource: DataSource;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** postgres://… — when absent, the embedded PGlite database is used. */
  url?: string;
  /** PGlite data directory (default ./data/pglite); `memory://` for a throwaway one. */
  dataDir?: string;
  /** Run pending migrations (default true). */
  migrate?: boolean;
  /** Pool size for PostgreSQL (default 10). */
  poolSize?: number;
}

/**
 * Opens the database. Both kinds go through the same `pg` driver and TypeORM code path: PGlite is served
 * on an ephemeral loopback port by `@electric-sql/pglite-socket`, with a single pooled connection. PGlite
 * has one session, so a single connection is what makes its transactions isolated (writes serialise).
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Database> {
  const migrate = options.migrate ?? true;
  if (options.url) {
    const dataSource = new DataSource({
      type: 'postgres',
      url: options.url,
      entities,
      migrations,
      extra: { max: options.poolSize ?? 10 },
    });
    await dataSource.initialize();
    if (migrate) await dataSource.runMigrations({ transaction: 'each' });
    return { kind: 'postgres', dataSource, close: () => dataSource.destroy() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dataDir = options.dataDir ?? 'data/pglite';
  if (!dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
  // PGlite's default start parameters include -F (fsync off); durable by default: see README "Databases".
  const startParams = PGlite.defaultStartParams.filter((parameter) => parameter !== '-F');
  const pglite = await PGlite.create(dataDir, { startParams });
  const server = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0 });
  await server.start();
  const { port } = (server as unknown as { server: { address(): AddressInfo } }).server.address();
  const dataSource = new DataSource({
    type: 'postgres',
    host: '127.0.0.1',
    port,
    username: 'postgres',
    database: 'postgres',
    entities,
    migrations,
    extra: { max: 1 },
  });
  await dataSource.initialize();
  if (migrate) await dataSource.runMigrations({ transaction: 'each' });
  return {
    kind: 'pglite',
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await server.stop();
      await pglite.close();
    },
  };
}

/** `DATABASE_URL` if set, otherwise the embedded default under ./data/. */
export function openDatabaseFromEnvironment(env: NodeJS.ProcessEnv = process.env): Promise<Database> {
  return openDatabase({ url: env.DATABASE_URL || undefined, dataDir: env.ZHENGZHI_DATA_DIR || undefined });
}
