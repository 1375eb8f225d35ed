import 'reflect-metadata';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { entities } from './entities';
import { migrations } from './migrations';
import { defaultTemplatePath, templateBlob, usableTemplate, type DumpableDatabase } from './pglite-template';

/** Where the embedded database lives unless told otherwise (`ZHENGZHI_DATA_DIR`, `dataDir`). */
export const defaultDataDir = 'data/pglite';

/** An open database: PostgreSQL through `DATABASE_URL`, or the embedded PGlite default. */
export interface Database {
  kind: 'postgres' | 'pglite';
  dataSource: DataSource;
  /**
   * The `pg` pool under TypeORM's data source (both kinds go through the `pg` driver): the hot path, COPY
   * scans and read-only snapshots use it directly, without TypeORM's per-query bookkeeping.
   */
  pool(): Pool;
  close(): Promise<void>;
}

/** Runs one statement (its own implicit transaction, or the caller's when given a transaction's executor). */
export type QueryExecutor = <T = Record<string, unknown>>(
  sql: string,
  parameters?: unknown[],
) => Promise<T[]>;

/** Statements on the database's pool, each in its own implicit transaction. */
export function databaseQuery(database: Database): QueryExecutor {
  return async <T>(sql: string, parameters: unknown[] = []) =>
    (await database.pool().query(sql, parameters)).rows as T[];
}

/** TypeORM keeps its pg pool in a private field; this is the one place that knows it. */
function pgPoolOf(dataSource: DataSource): () => Pool {
  return () => (dataSource.driver as unknown as { master: Pool }).master;
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
  /**
   * Server-side limits for every statement of this pool (PostgreSQL only). A server sets them so that a slow
   * or locked database answers 503 + Retry-After in bounded time instead of holding requests open; CLI
   * commands that scan the whole log (verify, export) leave them unset.
   */
  timeouts?: DatabaseTimeouts;
  /**
   * PGlite only: the template a brand-new data directory starts from (default: the build's, when usable);
   * `null` runs initdb and every migration from scratch.
   */
  pgliteTemplate?: string | null;
}

export interface DatabaseTimeouts {
  /** statement_timeout in ms: a statement running longer is cancelled (SQLSTATE 57014). */
  statementMs: number;
  /** lock_timeout in ms: waiting longer for a lock fails (SQLSTATE 55P03). */
  lockMs: number;
  /** idle_in_transaction_session_timeout in ms: a transaction left open by a stuck client is ended. */
  idleInTransactionMs: number;
}

/** The server's defaults, overridable with ZHENGZHI_STATEMENT_TIMEOUT_MS / _LOCK_ / _IDLE_IN_TRANSACTION_. */
export function serverTimeoutsFromEnvironment(env: NodeJS.ProcessEnv = process.env): DatabaseTimeouts {
  const read = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0)
      throw new Error(`${name} must be a whole number of milliseconds (0 = no limit), not ${raw}`);
    return value;
  };
  return {
    statementMs: read('ZHENGZHI_STATEMENT_TIMEOUT_MS', 30_000),
    lockMs: read('ZHENGZHI_LOCK_TIMEOUT_MS', 5_000),
    idleInTransactionMs: read('ZHENGZHI_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000),
  };
}

/** libpq `options` for the timeouts: applied at connection start, so every pooled connection has them. */
function timeoutOptions(timeouts: DatabaseTimeouts | undefined): string | undefined {
  if (!timeouts) return undefined;
  return [
    `-c statement_timeout=${timeouts.statementMs}`,
    `-c lock_timeout=${timeouts.lockMs}`,
    `-c idle_in_transaction_session_timeout=${timeouts.idleInTransactionMs}`,
  ].join(' ');
}

/**
 * Opens the database. Both kinds go through the same `pg` driver and TypeORM code path: PGlite is served
 * on an ephemeral loopback port by `@electric-sql/pglite-socket`, with a single pooled connection. PGlite
 * has one session, so a single connection is what makes its transactions isolated (writes serialise).
 */
export async function openDatabase(
  options: OpenDatabaseOptions = {},
): Promise<Database & { pglite?: DumpableDatabase }> {
  const migrate = options.migrate ?? true;
  if (options.url) {
    const pooled = (max: number, timeouts?: DatabaseTimeouts) =>
      new DataSource({
        type: 'postgres',
        url: options.url,
        entities,
        migrations,
        extra: { max, options: timeoutOptions(timeouts) },
      });
    // Migrations may rewrite large tables, so they run on their own connection without the server's limits.
    if (migrate && options.timeouts) {
      const migrating = await pooled(1).initialize();
      try {
        await migrating.runMigrations({ transaction: 'each' });
      } finally {
        await migrating.destroy();
      }
    }
    const dataSource = await pooled(options.poolSize ?? 10, options.timeouts).initialize();
    if (migrate && !options.timeouts) await dataSource.runMigrations({ transaction: 'each' });
    return { kind: 'postgres', dataSource, pool: pgPoolOf(dataSource), close: () => dataSource.destroy() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const dataDir = options.dataDir ?? defaultDataDir;
  if (!dataDir.includes('://')) mkdirSync(dataDir, { recursive: true });
  // PGlite's default start parameters include -F (fsync off); durable by default: see README "Databases".
  const startParams = PGlite.defaultStartParams.filter((parameter) => parameter !== '-F');
  // A brand-new data directory starts from the build's migrated template instead of initdb (see pglite-template.ts).
  const fresh = dataDir.startsWith('memory://') || !existsSync(join(dataDir, 'PG_VERSION'));
  const template =
    fresh && options.pgliteTemplate !== null
      ? usableTemplate(options.pgliteTemplate ?? defaultTemplatePath(), migrationNames())
      : null;
  const pglite = await PGlite.create(dataDir, {
    startParams,
    ...(template ? { loadDataDir: templateBlob(template) } : {}),
  });
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
    pool: pgPoolOf(dataSource),
    close: async () => {
      await dataSource.destroy();
      await server.stop();
      await pglite.close();
    },
    pglite,
  };
}

/** The names of this code's migrations, in order (what a PGlite template records). */
export function migrationNames(): string[] {
  return migrations.map((M) => new (M as new () => { name?: string })().name ?? M.name);
}

/** `DATABASE_URL` if set, otherwise the embedded default under ./data/. */
export function openDatabaseFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  extra: Pick<OpenDatabaseOptions, 'timeouts'> = {},
): Promise<Database> {
  return openDatabase({
    url: env.DATABASE_URL || undefined,
    dataDir: env.ZHENGZHI_DATA_DIR || undefined,
    ...extra,
  });
}

/** Throws unless the database answers a trivial statement now (the readiness probe). */
export async function pingDatabase(database: Database): Promise<void> {
  await database.pool().query('SELECT 1');
}
