import type { Command } from 'commander';
import { createRuntime, type Runtime } from '../runtime/runtime';
import { RuleSetRejectedError, startSchedulerLoop, type FiredJob } from '../escalation';
import { openDatabaseFromEnvironment } from '../persistence/database';
import { openDeploymentClock, sandboxScheduler, type SandboxClock } from '../runtime/sandbox';
import { latestRuleFailures, summariseRuleFailures } from '../persistence/rule-failures';
import { displaySafe } from '../rules';
import { loadAnyRuleFile } from '../rule-files/decision-workbook';
import { publishRuleSet } from '../runtime/rule-set-publish';
import { printChangeDiff } from './deadline-commands';
import { currentLang } from './lang';
import { CliError, say } from './messages';

/** Opens the configured database (DATABASE_URL or the embedded default), runs `work`, closes it. */
async function withRuntime<T>(
  work: (runtime: Runtime, sandbox: SandboxClock | null) => Promise<T>,
): Promise<T> {
  const database = await openDatabaseFromEnvironment();
  try {
    // On a drill database (演练) commands run at its sandbox clock, never at the wall clock.
    const { clock, sandbox } = await openDeploymentClock(database, { sandbox: false });
    return await work(createRuntime(database, { schedulerName: `cli-${process.pid}`, clock }), sandbox);
  } finally {
    await database.close();
  }
}

/** `migrate`, `scheduler`, `rules publish` and `rules versions`: the engine's operational commands. */
export function registerEngineCommands(program: Command): void {
  program
    .command('migrate')
    .description('apply pending database migrations (DATABASE_URL, or the embedded database under ./data/)')
    .action(() =>
      withRuntime(async (runtime) => {
        console.log(say(currentLang(), 'schemaUpToDate', { kind: runtime.database.kind }));
      }),
    );

  program
    .command('scheduler')
    .description('fire due deadlines, report dues and daily rule sweeps; --once for a single pass')
    .option('--once', 'fire what is due now and exit')
    .option('--interval <seconds>', 'seconds between passes', '30')
    .action((options: { once?: boolean; interval: string }) =>
      withRuntime(async (runtime, sandbox) => {
        const interval = Number(options.interval);
        const lang = currentLang();
        if (!Number.isFinite(interval) || interval <= 0)
          throw new CliError(say(lang, 'notANumber', { option: '--interval', value: options.interval }));
        const print = (jobs: FiredJob[]) => {
          for (const job of jobs) console.log(say(lang, 'jobFired', job));
        };
        const scheduler = sandbox ? sandboxScheduler(runtime, sandbox) : runtime.scheduler;
        if (options.once) return print(await scheduler.tick());
        const loop = startSchedulerLoop(scheduler, interval * 1000, {
          fired: print,
          failed: (error) => console.error(say(lang, 'schedulerPassFailed', { error: String(error) })),
        });
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await loop.stop();
      }),
    );

  const rules =
    program.commands.find((c) => c.name() === 'rules') ??
    program.command('rules').description('escalation rules');
  rules
    .command('publish <file>')
    .description(
      "publish a rule file as the campaign's next rule-set version (it must compile and pass its examples); the open items are evaluated by it at once — --dry-run shows what that does and writes nothing",
    )
    .requiredOption('--campaign <id>', 'campaign stream id')
    .option('--by <userId>', 'publishing supervisor', 'cli')
    .option(
      '--dry-run',
      'show the timers, overdue marks and escalations publishing changes, and write nothing',
    )
    .option('--json', 'print the report as JSON')
    .action((file: string, options: { campaign: string; by: string; dryRun?: boolean; json?: boolean }) =>
      withRuntime(async (runtime) => {
        // A decision-table workbook is published as the .rules text generated from it (same compiler).
        const loaded = await loadAnyRuleFile(file);
        if (!loaded.result.ok) {
          process.exitCode = 1;
          for (const diag of loaded.result.diagnostics) console.error(loaded.format(diag));
          return;
        }
        try {
          const report = await publishRuleSet(
            runtime,
            options.campaign,
            loaded.source,
            { userId: options.by, unitId: 'cli' },
            { dryRun: options.dryRun === true, fileName: file },
          );
          if (options.json) return console.log(JSON.stringify(report, null, 2));
          const { published } = report;
          if (report.dryRun)
            console.log(say(currentLang(), 'ruleSetDryRun', { ...published, at: report.at }));
          else
            console.log(say(currentLang(), 'ruleSetPublished', { ...published, at: published.publishedAt }));
          console.log(say(currentLang(), 'ruleSetEvaluated', report.evaluated));
          printChangeDiff(report);
        } catch (error) {
          if (error instanceof RuleSetRejectedError) {
            process.exitCode = 1;
            console.error(error.message);
            return;
          }
          throw error;
        }
      }),
    );
  rules
    .command('failures')
    .description('rules that failed while evaluating in a campaign (skipped; the commands went on)')
    .requiredOption('--campaign <id>', 'campaign stream id')
    .option('--json', 'print JSON')
    .action((options: { campaign: string; json?: boolean }) =>
      withRuntime(async (runtime) => {
        const db = runtime.database.dataSource;
        const summary = await summariseRuleFailures(db, options.campaign);
        const latest = await latestRuleFailures(db, options.campaign, 20);
        if (options.json) return console.log(JSON.stringify({ summary, latest }, null, 2));
        if (summary.length === 0)
          return console.log(say(currentLang(), 'noRuleFailures', { campaignId: options.campaign }));
        for (const s of summary) {
          console.log(
            say(currentLang(), 'ruleFailureLine', {
              ...s,
              version: s.ruleSetVersion,
              message: displaySafe(s.lastMessage),
            }),
          );
        }
      }),
    );
  rules
    .command('versions')
    .description("list a campaign's published rule-set versions")
    .requiredOption('--campaign <id>', 'campaign stream id')
    .action((options: { campaign: string }) =>
      withRuntime(async (runtime) => {
        for (const r of await runtime.ruleSets.list(options.campaign)) {
          console.log(
            say(currentLang(), 'ruleSetVersionLine', {
              ...r,
              at: r.publishedAt,
              by: r.publishedBy,
              sha: r.sourceSha256.slice(0, 12),
            }),
          );
        }
      }),
    );
}
