import type { Command } from 'commander';
import { createRuntime } from '../runtime/runtime';
import { advanceSandboxClock, openDeploymentClock } from '../runtime/sandbox';
import { openDatabaseFromEnvironment } from '../persistence/database';
import { currentLang } from './lang';
import { CliError, say } from './messages';

/**
 * `zhengzhi sandbox init|clock`: drills (演练, issue 10 point 3) on a database of their own. `init` marks an
 * empty database as a sandbox; `clock` shows its instant or moves it forward, firing what falls due on the
 * way in order (the same code as `POST /sandbox/clock`).
 */
export function registerSandboxCommands(program: Command): void {
  const sandbox = program
    .command('sandbox')
    .description('drills (演练): a database with its own clock that a supervisor moves forward');
  sandbox
    .command('init')
    .description(
      'mark an empty database as a sandbox (then `zhengzhi serve --sandbox`); a database with data is refused',
    )
    .option('--clock <instant>', 'where the sandbox clock starts (ISO 8601; default: now)')
    .action(async (options: { clock?: string }) => {
      const database = await openDatabaseFromEnvironment();
      try {
        const deployment = await openDeploymentClock(database, { sandbox: true, clock: options.clock });
        const lang = currentLang();
        const now = deployment.sandbox!.now().toISOString();
        if (!deployment.created && deployment.moveTo)
          throw new CliError(say(lang, 'sandboxAlready', { now }));
        console.log(say(lang, 'sandboxInitialised', { created: deployment.created, now }));
      } finally {
        await database.close();
      }
    });
  sandbox
    .command('clock')
    .description(
      'print the sandbox clock, or move it forward with --to: deadlines, report dues, daily sweeps and reminders fire in order',
    )
    .option('--to <instant>', 'move the clock forward to this instant (ISO 8601)')
    .option('--json', 'print the move as JSON')
    .action(async (options: { to?: string; json?: boolean }) => {
      const database = await openDatabaseFromEnvironment();
      try {
        const { sandbox: clock } = await openDeploymentClock(database, { sandbox: false });
        const lang = currentLang();
        if (!clock) throw new CliError(say(lang, 'productionDatabase', {}));
        if (options.to === undefined) return console.log(await clock.refresh());
        if (Number.isNaN(Date.parse(options.to)))
          throw new CliError(say(lang, 'notADate', { option: '--to', value: options.to }));
        const runtime = createRuntime(database, { clock, schedulerName: `cli-sandbox-${process.pid}` });
        const move = await advanceSandboxClock(runtime, clock, options.to);
        if (options.json) return console.log(JSON.stringify(move, null, 2));
        for (const step of move.steps)
          for (const job of step.jobs) console.log(say(lang, 'jobFired', { ...job, dueAt: step.at }));
        console.log(
          say(lang, 'sandboxMoved', {
            from: move.from,
            to: move.to,
            jobs: move.firedJobs,
            notifications: move.notifications,
          }),
        );
      } finally {
        await database.close();
      }
    });
}
