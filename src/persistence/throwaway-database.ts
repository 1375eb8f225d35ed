import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL tests and benchmarks create their databases through (trust auth on this machine). */
export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** An empty PostgreSQL database made for one test file or benchmark; `drop()` removes it. */
export interface ThrowawayDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function asAdmin(adminUrl: string, sql: string): Promise<void> {
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * Creates an empty database with a random name (`<prefix>_<pid>_<hex>`) next to the admin database.
 * Used by tests and benchmarks only; production opens `DATABASE_URL`.
 */
export async function createThrowawayDatabase(
  prefix: string,
  adminUrl = DEFAULT_ADMIN_URL,
): Promise<ThrowawayDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await asAdmin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () => asAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
