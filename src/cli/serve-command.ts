import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import pino from 'pino';
import { createApp } from '../api/app';
import { hashPassword } from '../api/auth/passwords';
import { listen } from '../api/server';
import { createApiRuntime } from '../api/runtime';
import { loadDemo, demoLogins, type DemoResult } from '../demo/load-demo';
import { seedDemoDatabase } from '../demo/demo-template';
import { openDatabaseFromEnvironment, serverTimeoutsFromEnvironment } from '../persistence/database';
import { startSchedulerLoop } from '../escalation';
import { advanceSandboxClock, openDeploymentClock, sandboxScheduler } from '../runtime/sandbox';
import { createDispatcher, emailSettingsFromEnvironment, startNotificationLoop } from '../notifications';
import { UNIT_LEVEL_ORDER, type UnitLevel } from '../persistence/entities/unit.entity';
import { currentLang } from './lang';
import { CliError, say } from './messages';

/**
 * The JWT key: `ZHENGZHI_JWT_SECRET` (≥ 32 bytes), or a random one for this process only. In a cluster the
 * secret is required: a random key per node would make every node refuse the tokens the others issued.
 */
export function jwtSecret(
  logger: pino.Logger,
  cluster: boolean,
  env: NodeJS.ProcessEnv = process.env,
): Uint8Array {
  const configured = env.ZHENGZHI_JWT_SECRET;
  if (configured) {
    if (Buffer.byteLength(configured) < 32) throw new CliError(say(currentLang(), 'jwtSecretShort', {}));
    return new TextEncoder().encode(configured);
  }
  if (cluster) throw new CliError(say(currentLang(), 'clusterNeedsSecret', {}));
  logger.warn(
    'ZHENGZHI_JWT_SECRET is not set: using a random key for this process; tokens will not survive a restart',
  );
  return randomBytes(32);
}

/** CPU time this process has used (user + system), in seconds: start-up cost apart from the machine's load. */
function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** `--trust-proxy` / ZHENGZHI_TRUST_PROXY: a hop count, true/false, or Express's names (loopback, an address). */
function trustProxyOf(value: string | undefined): boolean | number | string {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return /^\d+$/.test(value) ? Number(value) : value;
}

/**
 * `zhengzhi serve [--no-demo] [--port <n>] [--host <h>] [--sandbox [--clock <instant>]]`: the HTTP API
 * (what `npm start` runs).
 */
export function registerServeCommand(program: Command): void {
  registerBootstrapCommand(program);
  program
    .command('serve')
    .description('serve the HTTP API (loads the demo data on an empty database unless --no-demo)')
    .option('--no-demo', 'do not load the demo data into an empty database')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 3000)')
    .option('--host <host>', 'address to bind (default: $HOST or 127.0.0.1)')
    .option(
      '--no-scheduler',
      'do not fire deadlines and rule sweeps in this process (run `zhengzhi scheduler` instead)',
    )
    .option('--scheduler-interval <seconds>', 'seconds between scheduler passes', '30')
    .option(
      '--cluster',
      'one of several nodes on one PostgreSQL (also ZHENGZHI_CLUSTER=1): requires DATABASE_URL and ZHENGZHI_JWT_SECRET',
    )
    .option(
      '--trust-proxy <hops>',
      'behind a load balancer: hops (or addresses) trusted for X-Forwarded-For (default: $ZHENGZHI_TRUST_PROXY or none)',
    )
    .option(
      '--sandbox',
      "drill mode (演练): run on the database's sandbox clock, moved by POST /sandbox/clock; an empty database becomes a sandbox, a production database is refused",
    )
    .option(
      '--clock <instant>',
      'with --sandbox: the clock of a new sandbox database (default: now), or a later instant to move an existing one to',
    )
    .option(
      '--no-notifications',
      'do not send e-mail, webhooks and RabbitMQ messages in this process (run `zhengzhi notifications dispatch` instead)',
    )
    .action(
      async (options: {
        demo: boolean;
        port?: string;
        host?: string;
        scheduler: boolean;
        schedulerInterval: string;
        notifications: boolean;
        cluster?: boolean;
        trustProxy?: string;
        sandbox?: boolean;
        clock?: string;
      }) => {
        const logger = pino({ name: 'zhengzhi' });
        const lang = currentLang();
        const cluster = options.cluster === true || process.env.ZHENGZHI_CLUSTER === '1';
        if (cluster && !process.env.DATABASE_URL) throw new CliError(say(lang, 'clusterNeedsDatabase', {}));
        const secret = jwtSecret(logger, cluster);
        const port = Number(options.port ?? process.env.PORT ?? 3000);
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new CliError(say(lang, 'notAPort', { value: String(options.port ?? process.env.PORT) }));
        const host = options.host ?? process.env.HOST ?? '127.0.0.1';
        // An unstarted embedded data directory starts as a copy of the build's demo database (see
        // demo-template.ts); a sandbox is marked on an empty database first, so it loads the demo itself.
        const seeded = options.demo && options.sandbox !== true ? seedDemoDatabase(process.env) : null;
        const database = await openDatabaseFromEnvironment(process.env, {
          timeouts: serverTimeoutsFromEnvironment(),
        });
        // A drill database and a production server (or the reverse) never meet: refused before anything runs.
        const deployment = await openDeploymentClock(database, {
          sandbox: options.sandbox === true,
          clock: options.clock,
          requireMatch: true,
        }).catch(async (error: unknown) => {
          await database.close();
          throw error;
        });
        const sandbox = deployment.sandbox;
        const runtime = await createApiRuntime(database, { clock: deployment.clock });
        const app = createApp(runtime, {
          ...(sandbox ? { sandbox } : {}),
          auth: { jwtSecret: secret },
          logger,
          trustProxy: trustProxyOf(options.trustProxy ?? process.env.ZHENGZHI_TRUST_PROXY),
          idempotencyLeaseMs: Number(process.env.ZHENGZHI_IDEMPOTENCY_LEASE_MS) || undefined,
        });
        if (options.demo && !seeded) console.log(say(lang, 'demoLoading', {}));
        // The server listens only once the demo is in the database: /healthz never answers before it.
        const demo: DemoResult = seeded
          ? {
              loaded: true,
              campaignId: seeded.campaignId,
              items: seeded.items,
              escalations: seeded.escalations,
            }
          : options.demo
            ? await loadDemo(runtime)
            : { loaded: false, reason: 'disabled with --no-demo' };
        const server = await listen(app, port, host);
        console.log(
          say(lang, 'listening', {
            url: server.url,
            database: database.kind,
            readySeconds: performance.now() / 1000,
            cpuSeconds: cpuSeconds(),
          }),
        );
        if (demo.loaded) {
          console.log(
            say(lang, 'demoLoaded', {
              ...demo,
              from: seeded ? { dir: seeded.dir, builtAt: seeded.builtAt } : null,
            }),
          );
          console.log(say(lang, 'demoLogins', { password: demoLogins.password }));
          for (const login of demoLogins.users) console.log(say(lang, 'demoLogin', login));
        } else {
          console.log(say(lang, options.demo ? 'demoNotEmpty' : 'demoDisabled', {}));
        }
        if (sandbox) {
          if (deployment.moveTo) {
            const move = await advanceSandboxClock(runtime, sandbox, deployment.moveTo);
            console.log(
              say(lang, 'sandboxMovedAtStart', {
                from: move.from,
                to: move.to,
                jobs: move.firedJobs,
                steps: move.steps.length,
              }),
            );
          }
          console.log(
            say(lang, 'sandboxBanner', { created: deployment.created, now: sandbox.now().toISOString() }),
          );
        }
        const interval = Number(options.schedulerInterval);
        if (!Number.isFinite(interval) || interval <= 0)
          throw new CliError(say(lang, 'schedulerIntervalInvalid', {}));
        // Deadlines, report dues and the daily rule sweep; safe beside other schedulers (jobs are claimed).
        const scheduler = options.scheduler
          ? startSchedulerLoop(
              sandbox ? sandboxScheduler(runtime, sandbox) : runtime.scheduler,
              interval * 1000,
              {
                fired: (jobs) =>
                  logger.info(
                    { jobs: jobs.map((j) => `${j.kind} ${j.streamId} ${j.status}`) },
                    'scheduler fired jobs',
                  ),
                failed: (error) => logger.error({ err: error }, 'scheduler pass failed; jobs stay pending'),
              },
            )
          : null;
        // The outbox's dispatcher: several may run against one database (deliveries are leased).
        const dispatcher = options.notifications
          ? createDispatcher(runtime, { email: emailSettingsFromEnvironment() })
          : null;
        const notifications = dispatcher
          ? startNotificationLoop(
              { dispatcher, store: runtime.store, outbox: runtime.notifications, clock: runtime.clock },
              {
                failed: (error) =>
                  logger.error({ err: error }, 'notification pass failed; deliveries stay queued'),
              },
            )
          : null;
        let stopping = false;
        const stop = async (signal: string) => {
          if (stopping) return;
          stopping = true;
          logger.info({ signal }, 'shutting down: finishing in-flight requests');
          await scheduler?.stop();
          await notifications?.stop();
          await dispatcher?.closeChannels();
          await server.close();
          await runtime.database.close();
          logger.info('stopped');
        };
        process.once('SIGTERM', () => void stop('SIGTERM'));
        process.once('SIGINT', () => void stop('SIGINT'));
      },
    );
}

/**
 * `zhengzhi bootstrap`: on a database without users, creates the root unit and its first supervisor, who
 * then creates everyone else through the API. The password comes from ZHENGZHI_ADMIN_PASSWORD (never
 * from the command line, which other users of the machine can read).
 */
export function registerBootstrapCommand(program: Command): void {
  program
    .command('bootstrap')
    .description(
      'create the root unit and the first supervisor on a database without users (password from $ZHENGZHI_ADMIN_PASSWORD)',
    )
    .requiredOption('--unit-id <id>', 'id of the root unit, e.g. xn-city')
    .requiredOption('--unit-name <name>', 'name of the root unit, e.g. 西宁市交通运输局')
    .option('--level <level>', 'level of the root unit (province, city, county, …)', 'city')
    .requiredOption('--username <username>', "the supervisor's login")
    .option('--display-name <name>', "the supervisor's name", 'Administrator')
    .option(
      '--another-bureau',
      'add an independent bureau (a further root unit and its first supervisor) to a database that has users',
    )
    .action(
      async (options: {
        unitId: string;
        unitName: string;
        level: string;
        username: string;
        displayName: string;
        anotherBureau?: boolean;
      }) => {
        const lang = currentLang();
        if (!(UNIT_LEVEL_ORDER as readonly string[]).includes(options.level))
          throw new CliError(say(lang, 'badLevel', { levels: UNIT_LEVEL_ORDER.join(', ') }));
        const password = process.env.ZHENGZHI_ADMIN_PASSWORD ?? '';
        if (password.length < 12) throw new CliError(say(lang, 'adminPasswordMissing', {}));
        const database = await openDatabaseFromEnvironment();
        try {
          const runtime = await createApiRuntime(database);
          const users = (await database.dataSource.query('SELECT count(*) AS n FROM users')) as Array<{
            n: string | number;
          }>;
          // Several independent bureaus share one database as several root units; each supervisor's
          // subtree is their own bureau, so none reads or acts on another's (src/api/authz.ts).
          if (Number(users[0]?.n ?? 0) > 0 && !options.anotherBureau)
            throw new CliError(say(lang, 'databaseHasUsers', {}));
          if (options.anotherBureau && (await runtime.directory.findUnit(options.unitId)))
            throw new CliError(say(lang, 'unitExists', { unitId: options.unitId }));
          if (!(await runtime.directory.findUnit(options.unitId))) {
            await runtime.directory.createUnit({
              id: options.unitId,
              name: options.unitName,
              level: options.level as UnitLevel,
            });
          }
          const passwordHash = await hashPassword(password);
          await runtime.directory.createUser(
            {
              id: `u-${options.username}`,
              username: options.username,
              displayName: options.displayName,
              role: 'supervisor',
              unitId: options.unitId,
              passwordHash,
            },
            runtime.clock.now(),
          );
          console.log(
            say(lang, 'bootstrapped', {
              unitId: options.unitId,
              username: options.username,
              another: options.anotherBureau === true,
            }),
          );
        } finally {
          await database.close();
        }
      },
    );
}
