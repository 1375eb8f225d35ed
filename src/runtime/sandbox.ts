/**
 * The sandbox clock (演练, issue 10 point 3). A database created in sandbox mode keeps its own "now" in
 * `settings`; every server on it reads that instant instead of the wall clock, and time moves only when a
 * supervisor moves it (`POST /sandbox/clock`), which fires everything that falls due in between, in order.
 * Credentials (token expiry, idempotency leases, login throttling) stay on the wall clock.
 */
import type { FiredJob, Scheduler } from '../escalation';
import { remindDueSoon, sendDueDigests, digestInstant } from '../notifications/clock-jobs';
import { cstDay } from '../notifications/preferences';
import type { Database } from '../persistence/database';
import {
  markSandbox,
  moveSandboxInstant,
  nextPendingDue,
  onDataSource,
  readDeploymentMode,
  readSandboxInstant,
  type RunSql,
} from '../persistence/sandbox-settings';
import { systemClock, type Clock } from '../shared/clock';
import { ErrorCode, ZhengzhiError } from '../shared/errors';
import type { Runtime } from './runtime';

const DAY = 86_400_000;

/**
 * "Now" of a sandbox database: the stored instant, cached for synchronous reads. `refresh()` reads it
 * again (each request and scheduler pass does, so a move made through another server is seen); between
 * moves the clock stands still, so a drill is repeatable.
 */
export class SandboxClock implements Clock {
  #instant: number;
  /** Moves made through this process run one after another. */
  #moving: Promise<unknown> = Promise.resolve();

  constructor(
    instant: string,
    private readonly sql: RunSql,
  ) {
    this.#instant = Date.parse(instant);
  }

  now(): Date {
    return new Date(this.#instant);
  }

  /** Re-reads the stored instant (another server may have moved it); returns it. */
  async refresh(): Promise<string> {
    const stored = await readSandboxInstant(this.sql);
    if (stored) this.#instant = Date.parse(stored);
    return this.now().toISOString();
  }

  /** Runs `work` after any move in progress in this process. */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.#moving.then(work, work);
    this.#moving = next.catch(() => undefined);
    return next;
  }

  /** Sets the cached instant after the stored one was moved. */
  adopt(instant: string): void {
    this.#instant = Date.parse(instant);
  }
}

/** Why a database and a server's mode do not go together (a production database asked for sandbox …). */
export class SandboxModeError extends ZhengzhiError {
  constructor(message: string) {
    super(ErrorCode.guardFailed, message);
    this.name = 'SandboxModeError';
  }
}

/** Where the database is, for messages: the PostgreSQL host and database, or the embedded data directory. */
export function describeDatabaseLocation(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DATABASE_URL) {
    try {
      const url = new URL(env.DATABASE_URL);
      return `postgres://${url.host}${url.pathname}`;
    } catch {
      return 'DATABASE_URL';
    }
  }
  return `embedded database ${env.ZHENGZHI_DATA_DIR || 'data/pglite'}`;
}

/** The clock a server or command runs on, and the sandbox clock when the database is a sandbox. */
export interface DeploymentClock {
  clock: Clock;
  sandbox: SandboxClock | null;
  /** True when this call turned an empty database into a sandbox. */
  created: boolean;
  /** `--clock` later than the stored instant: the caller moves the clock there once the runtime is up. */
  moveTo: string | null;
}

const requireInstant = (value: string, what: string): string => {
  const t = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(t))
    throw new SandboxModeError(
      `${what} must be an ISO 8601 instant such as 2023-04-10T09:00:00+08:00, not ${value}`,
    );
  return new Date(t).toISOString();
};

/**
 * Decides the clock for a database. With `sandbox`: an empty database becomes a sandbox (clock at
 * `clock`, else the wall clock's now); a sandbox database keeps its stored clock (`clock` may only move it
 * forward); a production database — one with data and no sandbox mark — is refused. Without `sandbox`: a
 * sandbox database is refused when `requireMatch` (a server would otherwise run the drill's data on the
 * wall clock and fire years of deadlines into it); otherwise its sandbox clock is used.
 */
export async function openDeploymentClock(
  database: Database,
  options: { sandbox: boolean; clock?: string; requireMatch?: boolean; location?: string },
): Promise<DeploymentClock> {
  const sql = onDataSource(database.dataSource);
  const where = options.location ?? describeDatabaseLocation();
  const requested = options.clock === undefined ? undefined : requireInstant(options.clock, '--clock');
  if (requested && !options.sandbox)
    throw new SandboxModeError(`--clock is only for sandbox servers: add --sandbox (${where})`);
  const mode = await readDeploymentMode(sql);
  if (mode.mode === 'sandbox') {
    if (!options.sandbox && options.requireMatch)
      throw new SandboxModeError(
        `${where} was created in sandbox mode (演练, clock at ${mode.clock}); serve it with --sandbox. ` +
          'On the wall clock every deadline up to today would fire into the drill.',
      );
    const sandbox = new SandboxClock(mode.clock, sql);
    if (requested && Date.parse(requested) < Date.parse(mode.clock))
      throw new SandboxModeError(
        `--clock ${requested} is before the sandbox clock of ${where} (${mode.clock}); the sandbox clock only moves forward`,
      );
    const moveTo = requested && requested !== mode.clock ? requested : null;
    return { clock: sandbox, sandbox, created: false, moveTo };
  }
  if (!options.sandbox) return { clock: systemClock, sandbox: null, created: false, moveTo: null };
  const start = requested ?? systemClock.now().toISOString();
  if (mode.hasData || !(await markSandbox(sql, start)))
    throw new SandboxModeError(
      `${where} is a production database (it holds data and was not created in sandbox mode); refusing --sandbox. ` +
        'Start a drill on an empty database (a new DATABASE_URL or ZHENGZHI_DATA_DIR).',
    );
  const sandbox = new SandboxClock(start, sql);
  return { clock: sandbox, sandbox, created: true, moveTo: null };
}

/** What one step of a move fired at its instant. */
export interface SandboxStep {
  at: string;
  jobs: FiredJob[];
  notifications: number;
}

/** The result of moving the sandbox clock. */
export interface SandboxMove {
  from: string;
  to: string;
  /** Steps at which something fired, in order. */
  steps: SandboxStep[];
  firedJobs: number;
  notifications: number;
}

/** The next 08:00 CST digest instant strictly after `at`. */
function nextDigestAfter(at: string): string {
  const t = Date.parse(at);
  let digest = digestInstant(cstDay(t));
  if (digest <= t) digest += DAY;
  return new Date(digest).toISOString();
}

const earliest = (...instants: Array<string | null>): string =>
  instants.filter((i): i is string => i !== null).reduce((a, b) => (Date.parse(a) <= Date.parse(b) ? a : b));

/**
 * Moves the sandbox clock forward to `to`, one due instant at a time: scheduler jobs (deadlines, report
 * dues, daily sweeps, escalation response deadlines — including jobs that firing creates) and the
 * notifications' clock passes (due-soon reminders, 08:00 digests) each fire at their own instant, in order,
 * with "now" set to that instant. Never backwards; a move made meanwhile by another server is a conflict.
 */
export function advanceSandboxClock(
  runtime: Runtime,
  clock: SandboxClock,
  to: string,
  limits: { maxSteps?: number } = {},
): Promise<SandboxMove> {
  return clock.exclusive(async () => {
    const sql = onDataSource(runtime.database.dataSource);
    const target = new Date(Date.parse(to)).toISOString();
    const from = await clock.refresh();
    if (Date.parse(target) < Date.parse(from))
      throw new ZhengzhiError(
        ErrorCode.guardFailed,
        `the sandbox clock is at ${from}; it only moves forward, not back to ${target}`,
        { clock: from },
      );
    const steps: SandboxStep[] = [];
    const fire = async (at: string) => {
      const jobs = await runtime.scheduler.tick();
      const reminders = await remindDueSoon(runtime.store, runtime.notifications, clock);
      const digests = await sendDueDigests(runtime.store, runtime.notifications, clock);
      const notifications = reminders.length + digests.length;
      if (jobs.length + notifications > 0) steps.push({ at, jobs, notifications });
    };
    let current = from;
    await fire(current); // what was already due at the current instant goes first
    const maxSteps = limits.maxSteps ?? 100_000;
    for (let step = 0; current !== target; step++) {
      if (step >= maxSteps)
        throw new ZhengzhiError(
          ErrorCode.payloadTooLarge,
          `moving the sandbox clock stopped at ${current} after ${maxSteps} steps; move it again to go on`,
        );
      const next = earliest(await nextPendingDue(sql, current, target), nextDigestAfter(current), target);
      if (!(await moveSandboxInstant(sql, current, next)))
        throw new ZhengzhiError(
          ErrorCode.versionConflict,
          `the sandbox clock was moved by another server while moving it from ${current}; read it again and retry`,
          { clock: await clock.refresh() },
        );
      clock.adopt(next);
      current = next;
      await fire(current);
    }
    const firedJobs = steps.reduce((n, s) => n + s.jobs.length, 0);
    const notifications = steps.reduce((n, s) => n + s.notifications, 0);
    return { from, to: target, steps, firedJobs, notifications };
  });
}

/**
 * A scheduler for a sandbox database: each pass reads the shared clock first and never overlaps a move
 * made through this process (a move fires its own steps).
 */
export function sandboxScheduler(runtime: Runtime, sandbox: SandboxClock): Pick<Scheduler, 'tick'> {
  return {
    tick: () =>
      sandbox.exclusive(async () => {
        await sandbox.refresh();
        return runtime.scheduler.tick();
      }),
  };
}
