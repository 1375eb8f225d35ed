import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createRuntime, type Runtime } from '../runtime/runtime';
import {
  createDispatcher,
  emailSettingsFromEnvironment,
  notificationService,
  startNotificationLoop,
  type DispatchReport,
} from '../notifications';
import { openDatabaseFromEnvironment, type Database } from '../persistence/database';
import type { Clock } from '../shared/clock';
import { currentLang } from './lang';
import { CliError, say, type CliMessageKey } from './messages';

/** What the commands stand on; tests pass their own database, clock and output. */
export interface NotificationCommandDeps {
  openDatabase: () => Promise<Database>;
  clock?: Clock;
  out: (line: string) => void;
  /** Warnings (default: stderr). */
  warn?: (line: string) => void;
}

const defaultDeps: NotificationCommandDeps = {
  openDatabase: () => openDatabaseFromEnvironment(),
  out: (line) => console.log(line),
};

let deps: NotificationCommandDeps = defaultDeps;

async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const database = await deps.openDatabase();
  try {
    return await work(createRuntime(database, { schedulerName: `cli-${process.pid}`, clock: deps.clock }));
  } finally {
    await database.close();
  }
}

const print = (line: string) => deps.out(line);
const warn = (line: string) => (deps.warn ?? console.error)(line);
/** A message of the table in the command's language (--lang, else LANG). */
const text = <K extends CliMessageKey>(key: K, args: Parameters<typeof say<K>>[2]) =>
  say(currentLang(), key, args);

function positive(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(text('notANumber', { option: `--${name}`, value }));
  return n;
}

const printReport = (r: DispatchReport) => print(text('dispatchReport', r));

function registerDispatch(group: Command): void {
  group
    .command('dispatch')
    .description('send queued e-mail, webhook and RabbitMQ messages (several dispatchers may run at once)')
    .option('--once', 'send what is due now and exit')
    .option('--name <name>', 'lease owner name (default: dispatcher-<pid>-<random>)')
    .option('--batch-size <n>', 'deliveries leased per batch', '200')
    .option('--lease-seconds <s>', 'lease length; an unconfirmed delivery is retried after it', '60')
    .option('--concurrency <n>', 'sends in flight at once', '32')
    .option('--idle-ms <ms>', 'pause when nothing is due', '200')
    .option('--max-attempts <n>', 'attempts before a delivery is dead-lettered', '8')
    .action(
      (options: {
        once?: boolean;
        name?: string;
        batchSize: string;
        leaseSeconds: string;
        concurrency: string;
        idleMs: string;
        maxAttempts: string;
      }) =>
        withRuntime(async (runtime) => {
          const email = emailSettingsFromEnvironment();
          const dispatcher = createDispatcher(runtime, {
            ...(options.name ? { name: options.name } : {}),
            batchSize: positive('batch-size', options.batchSize),
            leaseMs: positive('lease-seconds', options.leaseSeconds) * 1000,
            concurrency: positive('concurrency', options.concurrency),
            retry: { maxAttempts: positive('max-attempts', options.maxAttempts) },
            email,
          });
          if (!email) warn(text('smtpMissing', {}));
          try {
            if (options.once) return printReport(await dispatcher.drain());
            print(text('dispatcherRunning', { name: dispatcher.name }));
            const loop = startNotificationLoop(
              { dispatcher, store: runtime.store, outbox: runtime.notifications, clock: runtime.clock },
              {
                idleMs: positive('idle-ms', options.idleMs),
                dispatched: printReport,
                failed: (error) => warn(text('dispatchFailed', { error: String(error) })),
              },
            );
            await new Promise<void>((resolve) => {
              process.once('SIGINT', resolve);
              process.once('SIGTERM', resolve);
            });
            await loop.stop();
          } finally {
            await dispatcher.closeChannels();
          }
        }),
    );
}

function registerQueue(group: Command): void {
  group
    .command('list')
    .description('list deliveries (newest first)')
    .option('--status <status>', 'pending, delivered or dead')
    .option('--channel <channel>', 'email, webhook or amqp')
    .option('--limit <n>', 'how many', '50')
    .action((options: { status?: string; channel?: string; limit: string }) =>
      withRuntime(async (runtime) => {
        const { rows } = await notificationService(runtime).deliveries({
          status: options.status,
          channel: options.channel,
          limit: positive('limit', options.limit),
          offset: 0,
        });
        for (const d of rows) print(text('deliveryLine', { ...d, lastError: d.lastError ?? '' }));
        if (rows.length === 0) print(text('noDeliveries', {}));
      }),
    );
  group
    .command('redeliver [ids...]')
    .description('queue deliveries again: by id, or --dead for every dead-lettered one')
    .option('--dead', 'every dead-lettered delivery')
    .option('--target <endpointOrAddress>', 'only those of this endpoint id or e-mail address')
    .action((ids: string[], options: { dead?: boolean; target?: string }) =>
      withRuntime(async (runtime) => {
        const numbers = ids.map((id) => {
          if (!/^\d+$/.test(id)) throw new CliError(text('notADeliveryId', { id }));
          return Number(id);
        });
        const n = await notificationService(runtime).redeliver({
          ids: numbers,
          dead: options.dead,
          target: options.target,
        });
        print(text('redelivered', { n }));
      }),
    );
}

function registerSettings(group: Command): void {
  const templates = group
    .command('templates')
    .description('notification texts (Chinese templates with {{placeholders}})');
  templates
    .command('list')
    .description('every kind with its current text and placeholders')
    .action(() =>
      withRuntime(async (runtime) => {
        for (const t of await notificationService(runtime).templates()) {
          const edited = t.customised
            ? { by: t.updatedBy ?? '', at: t.updatedAt ?? '' }
            : { by: null, at: null };
          print(text('templateHead', { kind: t.kind, label: t.label, ...edited }));
          print(
            text('templateBody', {
              subject: t.subject,
              body: t.body,
              placeholders: Object.keys(t.variables).join(', '),
            }),
          );
        }
      }),
    );
  templates
    .command('set <kind>')
    .description('replace a kind\'s text from a JSON file {"subject": …, "body": …}')
    .requiredOption('--file <file>', 'JSON file with subject and body')
    .option('--by <userId>', 'supervisor making the change', 'cli')
    .action((kind: string, options: { file: string; by: string }) =>
      withRuntime(async (runtime) => {
        let template: { subject: string; body: string };
        try {
          template = JSON.parse(readFileSync(options.file, 'utf8')) as { subject: string; body: string };
        } catch (error) {
          throw new CliError(text('notJsonFile', { file: options.file, detail: (error as Error).message }));
        }
        if (typeof template.subject !== 'string' || typeof template.body !== 'string')
          throw new CliError(text('templateFields', { file: options.file }));
        try {
          const saved = await notificationService(runtime).setTemplate(kind, template, options.by);
          print(text('templateSaved', { kind: saved.kind }));
        } catch (error) {
          throw new CliError(text('inFile', { file: options.file, message: (error as Error).message }));
        }
      }),
    );
  templates
    .command('reset <kind>')
    .description('back to the default text')
    .action((kind: string) =>
      withRuntime(async (runtime) => {
        await notificationService(runtime).resetTemplate(kind);
        print(text('templateReset', { kind }));
      }),
    );
  group
    .command('prefs <userId>')
    .description("show or change a user's preferences")
    .option('--channels <list>', 'comma-separated: inbox,email')
    .option('--email <address>', 'e-mail address')
    .option('--quiet <hours>', 'quiet hours in CST, e.g. 22-7, or "none"')
    .option('--digest <on|off>', 'daily digest of due-soon and overdue items')
    .action(
      (userId: string, options: { channels?: string; email?: string; quiet?: string; digest?: string }) =>
        withRuntime(async (runtime) => {
          const service = notificationService(runtime);
          const current = await service.preferences(userId);
          const changed = { ...current };
          if (options.channels) changed.channels = options.channels.split(',').map((c) => c.trim()) as never;
          if (options.email !== undefined) changed.email = options.email || null;
          if (options.quiet !== undefined) {
            const match = /^(\d{1,2})-(\d{1,2})$/.exec(options.quiet);
            if (!match && options.quiet !== 'none') throw new CliError(text('quietHoursFormat', {}));
            changed.quietHours = match ? { start: Number(match[1]), end: Number(match[2]) } : null;
          }
          if (options.digest !== undefined) {
            if (!['on', 'off'].includes(options.digest)) throw new CliError(text('digestOnOff', {}));
            changed.digest = options.digest === 'on';
          }
          const shown = Object.keys(options).length ? await service.setPreferences(userId, changed) : current;
          print(JSON.stringify({ userId, ...shown }, null, 2));
        }),
    );
  group
    .command('endpoint <kind> <url>')
    .description('register a webhook (http/https) or RabbitMQ (amqp) endpoint for the event log')
    .option('--id <id>', 'endpoint id (to replace one)')
    .option('--secret <secret>', 'webhook signing secret (≥ 16 characters); prefer $ZHENGZHI_WEBHOOK_SECRET')
    .option('--exchange <name>', 'RabbitMQ exchange (default zhengzhi.events)')
    .option('--topics <list>', 'comma-separated topics, e.g. event.item.*,notification.*')
    .action(
      (
        kind: string,
        url: string,
        options: { id?: string; secret?: string; exchange?: string; topics?: string },
      ) =>
        withRuntime(async (runtime) => {
          if (kind !== 'webhook' && kind !== 'amqp') throw new CliError(text('endpointKind', { kind }));
          const endpoint = await notificationService(runtime).saveEndpoint({
            id: options.id,
            kind,
            url,
            secret: options.secret ?? process.env.ZHENGZHI_WEBHOOK_SECRET ?? null,
            exchange: options.exchange ?? null,
            topics: options.topics ? options.topics.split(',').map((t) => t.trim()) : null,
          });
          print(text('endpointSaved', endpoint));
        }),
    );
}

/** `zhengzhi notifications …`: the dispatcher, the delivery queue, templates, preferences and endpoints. */
export function registerNotificationCommands(
  program: Command,
  overrides: NotificationCommandDeps = defaultDeps,
): void {
  deps = overrides;
  const group = program
    .command('notifications')
    .description('notifications: dispatch, list, redeliver, templates, prefs, endpoint');
  registerDispatch(group);
  registerQueue(group);
  registerSettings(group);
}
