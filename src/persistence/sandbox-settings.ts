/**
 * Named queries over `settings` for the sandbox clock (演练, issue 10 point 3), and the scheduler's view of
 * what falls due next. A database is in sandbox mode when it has the row `mode = "sandbox"`; its clock is
 * the row `sandbox_clock`, shared by every server on the database and kept across restarts.
 */
import type { DataSource } from 'typeorm';

/** Anything that runs SQL: a transaction or a data source. */
export type RunSql = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** Runs SQL on a data source (outside any transaction). */
export const onDataSource =
  (dataSource: DataSource): RunSql =>
  async <T>(sql: string, params?: unknown[]) =>
    (await dataSource.query(sql, params)) as T[];

/** What the database says about its mode. */
export type DeploymentMode =
  { mode: 'production'; hasData: boolean } | { mode: 'sandbox'; clock: string; since: string };

const iso = (value: unknown): string => new Date(value as string).toISOString();

/** Reads the mode: sandbox (with its clock) or production (and whether it already holds data). */
export async function readDeploymentMode(sql: RunSql): Promise<DeploymentMode> {
  const rows = await sql<{ key: string; value: { mode?: string; instant?: string; since?: string } }>(
    `SELECT key, value FROM settings WHERE key IN ('mode', 'sandbox_clock')`,
  );
  const mode = rows.find((r) => r.key === 'mode')?.value;
  const clock = rows.find((r) => r.key === 'sandbox_clock')?.value;
  if (mode?.mode === 'sandbox' && clock?.instant)
    return { mode: 'sandbox', clock: iso(clock.instant), since: iso(mode.since ?? clock.instant) };
  const [data] = await sql<{ has: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM streams) OR EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM units) AS has`,
  );
  return { mode: 'production', hasData: Boolean(data?.has) };
}

/**
 * Marks an empty database as a sandbox whose clock starts at `instant`. Returns false (and changes
 * nothing) when the database already holds data or a mode: a production database never becomes a sandbox.
 */
export async function markSandbox(sql: RunSql, instant: string): Promise<boolean> {
  const rows = await sql<{ key: string }>(
    `INSERT INTO settings (key, value)
     SELECT k, v FROM (VALUES ('mode', $1::jsonb), ('sandbox_clock', $2::jsonb)) AS s(k, v)
      WHERE NOT EXISTS (SELECT 1 FROM settings WHERE key = 'mode')
        AND NOT EXISTS (SELECT 1 FROM streams) AND NOT EXISTS (SELECT 1 FROM users)
        AND NOT EXISTS (SELECT 1 FROM units)
     RETURNING key`,
    [JSON.stringify({ mode: 'sandbox', since: instant }), JSON.stringify({ instant })],
  );
  return rows.length === 2;
}

/** The sandbox clock as stored now (null on a production database). */
export async function readSandboxInstant(sql: RunSql): Promise<string | null> {
  const [row] = await sql<{ instant: string }>(
    `SELECT value ->> 'instant' AS instant FROM settings WHERE key = 'sandbox_clock'`,
  );
  return row?.instant ? iso(row.instant) : null;
}

/**
 * Moves the stored sandbox clock from `from` to `to` (compare-and-set): false when another server moved
 * it in between, so two moves never interleave their steps.
 */
export async function moveSandboxInstant(sql: RunSql, from: string, to: string): Promise<boolean> {
  const rows = await sql<{ key: string }>(
    // (a CTE: TypeORM answers a bare UPDATE with [rows, count] rather than the rows)
    `WITH moved AS (
       UPDATE settings SET value = jsonb_build_object('instant', $2::text), updated_at = now()
        WHERE key = 'sandbox_clock' AND (value ->> 'instant')::timestamptz = $1::timestamptz
          AND $2::timestamptz >= $1::timestamptz
        RETURNING key)
     SELECT key FROM moved`,
    [from, to],
  );
  return rows.length === 1;
}

/** The earliest pending scheduler job due after `after` and at or before `until`, or null. */
export async function nextPendingDue(sql: RunSql, after: string, until: string): Promise<string | null> {
  const [row] = await sql<{ due: Date | null }>(
    `SELECT min(due_at) AS due FROM scheduled_jobs WHERE status = 'pending' AND due_at > $1 AND due_at <= $2`,
    [after, until],
  );
  return row?.due ? iso(row.due) : null;
}
