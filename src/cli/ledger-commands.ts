import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { buildBulletin } from '../bulletins/bulletin';
import { renderBulletinHtml } from '../bulletins/bulletin-html';
import { closePdfBrowser, renderPdf } from '../bulletins/bulletin-pdf';
import { periodBound } from '../bulletins/bulletin-query';
import { createRuntime, type Runtime } from '../runtime/runtime';
import type { Actor } from '../engine/engine';
import { exportClueLedger, importClueLedger } from '../ledgers/clue-ledger';
import { formatProblem, reasonIn, type ImportProblem } from '../ledgers/import-problems';
import { currentLang } from './lang';
import { CliError, say } from './messages';
import { exportConsolidatedLedger } from '../ledgers/consolidated-ledger';
import { exportRectificationLedger } from '../ledgers/ledger-export';
import { importRectificationLedger, unitAliasesFromEnvironment } from '../ledgers/ledger-import';
import { exportSupervisionLedger } from '../ledgers/supervision-ledger';
import type { ProgressListener } from '../ledgers/workbook-writer';
import { openDatabaseFromEnvironment } from '../persistence/database';
import { writeLedgerTemplate } from '../ledgers/ledger-template';

async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const database = await openDatabaseFromEnvironment();
  try {
    return await work(createRuntime(database, { schedulerName: `cli-ledgers-${process.pid}` }));
  } finally {
    await database.close();
  }
}

/** Progress on stderr: one rewritten line on a terminal, a line every 10,000 rows otherwise. */
function progress(verb: string): ProgressListener & { done(): void } {
  let last = 0;
  const tty = process.stderr.isTTY;
  const listener = ((done: number, total: number | null) => {
    const text = `${verb} ${done}${total === null ? '' : `/${total}`} rows`;
    if (tty) process.stderr.write(`\r${text}`);
    else if (done - last >= 10_000 || done === total) process.stderr.write(`${text}\n`);
    last = done;
  }) as ProgressListener & { done(): void };
  listener.done = () => {
    if (tty && last > 0) process.stderr.write('\n');
  };
  return listener;
}

/** A calendar date (YYYY-MM-DD, read in China Standard Time) or a full ISO instant. */
export function instantOf(text: string, option: string, endOfDay: boolean): string {
  // The same reading of dates as the HTTP bulletin (Asia/Shanghai days): one function for both.
  const ms = Date.parse(periodBound(text, endOfDay));
  if (Number.isNaN(ms)) throw new CliError(say(currentLang(), 'notADate', { option, value: text }));
  return new Date(ms).toISOString();
}

async function actorOf(runtime: Runtime, userId: string): Promise<Actor> {
  const user = await runtime.directory.findUser(userId);
  if (!user) throw new CliError(say(currentLang(), 'noSuchUser', { option: '--actor', userId }));
  return { userId: user.id, unitId: user.unitId };
}

function reportProblems(
  file: string,
  problems: ImportProblem[],
  failures: ImportProblem[],
  applied: boolean,
): void {
  const lang = currentLang();
  for (const problem of problems) console.error(formatProblem(problem, file, lang));
  for (const failure of failures) console.error(formatProblem(failure, file, lang));
  if (problems.length > 0 && !applied)
    console.error(say(lang, 'nothingImported', { file, problems: problems.length }));
  if (problems.length > 0 || failures.length > 0) process.exitCode = 1;
}

interface ExportFlags {
  campaign: string;
  out: string;
  unit?: string;
  state?: string[];
  asOf?: string;
}

interface ImportFlags {
  campaign: string;
  actor: string;
  takeGoodRows?: boolean;
  sheet?: string;
  dryRun?: boolean;
  unitAliases?: string;
}

function exportOptions(command: Command): Command {
  return command
    .requiredOption('--campaign <id>', 'campaign stream id')
    .requiredOption('--out <file>', 'the .xlsx file to write')
    .option('--unit <id>', "only items in this unit's subtree")
    .option('--state <state...>', 'only items in these states')
    .option('--as-of <date>', 'date printed under the title (default today)');
}

function importOptions(command: Command): Command {
  return command
    .requiredOption('--campaign <id>', 'campaign stream id')
    .requiredOption('--actor <userId>', 'the officer the imported events are recorded for')
    .option('--take-good-rows', 'take the rows without problems even when other rows have some');
}

/** Runs one sheet export with the common filters and a progress bar on stderr. */
function runExport(
  exporter: typeof exportRectificationLedger | typeof exportClueLedger | typeof exportConsolidatedLedger,
  flags: ExportFlags,
): Promise<void> {
  return withRuntime(async (runtime) => {
    const bar = progress('exported');
    const { rows } = await exporter(runtime, flags.out, {
      campaignId: flags.campaign,
      unitId: flags.unit,
      states: flags.state,
      asOf: flags.asOf ? instantOf(flags.asOf, '--as-of', false) : undefined,
      onProgress: bar,
    });
    bar.done();
    console.log(say(currentLang(), 'rowsExported', { file: flags.out, rows }));
  });
}

/** `ledger export|import`, `clues export|import`, `supervision export`, `bulletin`. */
export function registerLedgerCommands(program: Command): void {
  const ledger = program
    .command('ledger')
    .description('整改工作台账 (Xining annex 2): export and import .xlsx');
  exportOptions(ledger.command('export').description('write the 整改工作台账 of a campaign')).action(
    (flags: ExportFlags) => runExport(exportRectificationLedger, flags),
  );
  ledger
    .command('template')
    .description('write a blank 整改工作台账 with drop-down lists of the campaign’s categories and units')
    .requiredOption('--campaign <id>', 'campaign stream id')
    .requiredOption('--out <file>', 'the .xlsx file to write')
    .action((flags: { campaign: string; out: string }) =>
      withRuntime(async (runtime) => {
        const { categories, units } = await writeLedgerTemplate(runtime, flags.out, flags.campaign);
        console.log(say(currentLang(), 'templateWritten', { file: flags.out, categories, units }));
      }),
    );
  exportOptions(
    ledger
      .command('consolidated')
      .description('write the 汇总台账 of a campaign and every campaign below it (with 报送单位)'),
  ).action((flags: ExportFlags) => runExport(exportConsolidatedLedger, flags));
  importOptions(
    ledger
      .command('import <file>')
      .description('create or update items from a 整改工作台账 (through the engine)')
      .option(
        '--sheet <name>',
        'the sheet to read (default: 整改工作台账, else the first with the ledger header)',
      )
      .option('--dry-run', 'check every row and print every problem; write nothing')
      .option(
        '--unit-aliases <file.json>',
        'names clerks write for units: {"湟中区交通局": "unit-id"} (or ZHENGZHI_UNIT_ALIASES)',
      ),
  ).action((file: string, flags: ImportFlags) =>
    withRuntime(async (runtime) => {
      const bar = progress('imported');
      const report = await importRectificationLedger(runtime, file, {
        campaignId: flags.campaign,
        actor: await actorOf(runtime, flags.actor),
        takeGoodRows: flags.takeGoodRows,
        onProgress: bar,
        sheet: flags.sheet,
        dryRun: flags.dryRun,
        unitAliases: flags.unitAliases
          ? unitAliasesFromEnvironment({ ZHENGZHI_UNIT_ALIASES: flags.unitAliases })
          : undefined,
      });
      bar.done();
      const lang = currentLang();
      for (const s of report.skipped)
        console.error(
          say(lang, 'rowSkipped', {
            file,
            sheet: report.sheet,
            row: s.row,
            reason: reasonIn(lang, s.reason),
          }),
        );
      if (report.dryRun) console.log(say(lang, 'dryRunNothingWritten', { file }));
      console.log(say(lang, 'ledgerImported', { ...report, file }));
      reportProblems(file, report.problems, report.failures, report.applied);
    }),
  );

  const clues = program.command('clues').description('线索台账 (Jiangyuan annex 3): export and import .xlsx');
  clues
    .command('template')
    .description('write a blank 线索台账 with drop-down lists of the clue sources and the campaign’s units')
    .requiredOption('--campaign <id>', 'campaign stream id')
    .requiredOption('--out <file>', 'the .xlsx file to write')
    .action((flags: { campaign: string; out: string }) =>
      withRuntime(async (runtime) => {
        const { categories, units } = await writeLedgerTemplate(runtime, flags.out, flags.campaign, 'clues');
        console.log(
          say(currentLang(), 'clueTemplateWritten', { file: flags.out, sources: categories, units }),
        );
      }),
    );
  exportOptions(clues.command('export').description('write the 线索台账 of a campaign')).action(
    (flags: ExportFlags) => runExport(exportClueLedger, flags),
  );
  importOptions(
    clues.command('import <file>').description('register the clues of a 线索台账 (through the engine)'),
  ).action((file: string, flags: ImportFlags) =>
    withRuntime(async (runtime) => {
      const bar = progress('registered');
      const report = await importClueLedger(runtime, file, {
        campaignId: flags.campaign,
        actor: await actorOf(runtime, flags.actor),
        takeGoodRows: flags.takeGoodRows,
        onProgress: bar,
      });
      bar.done();
      console.log(say(currentLang(), 'cluesImported', { ...report, file }));
      reportProblems(file, report.problems, report.failures, report.applied);
    }),
  );

  const supervision = program.command('supervision').description('督办台账: listed-supervision escalations');
  supervision
    .command('export')
    .description('write the 督办台账 of a campaign')
    .requiredOption('--campaign <id>', 'campaign stream id')
    .requiredOption('--out <file>', 'the .xlsx file to write')
    .option('--unit <id>', "only escalations concerning this unit's subtree")
    .action((flags: Omit<ExportFlags, 'state' | 'asOf'>) =>
      withRuntime(async (runtime) => {
        const { rows } = await exportSupervisionLedger(runtime, flags.out, {
          campaignId: flags.campaign,
          unitId: flags.unit,
        });
        console.log(say(currentLang(), 'rowsExported', { file: flags.out, rows }));
      }),
    );

  program
    .command('bulletin')
    .description('工作简报 of a campaign (with its sub-campaigns) for a period, as HTML or PDF')
    .requiredOption('--campaign <id>', 'campaign stream id')
    .requiredOption('--from <date>', 'period start (YYYY-MM-DD in CST, or an ISO instant)')
    .requiredOption('--to <date>', 'period end, inclusive (YYYY-MM-DD in CST, or an ISO instant)')
    .option('--format <format>', 'html or pdf', 'html')
    .requiredOption('--out <file>', 'file to write')
    .option('--issue <text>', 'issue line, e.g. 2023年第8期')
    .action(
      (flags: { campaign: string; from: string; to: string; format: string; out: string; issue?: string }) =>
        withRuntime(async (runtime) => {
          if (flags.format !== 'html' && flags.format !== 'pdf')
            throw new CliError(say(currentLang(), 'bulletinFormat', { format: flags.format }));
          const bulletin = await buildBulletin(runtime, {
            campaignId: flags.campaign,
            from: instantOf(flags.from, '--from', false),
            to: instantOf(flags.to, '--to', true),
            issue: flags.issue,
          });
          const html = renderBulletinHtml(bulletin);
          try {
            writeFileSync(flags.out, flags.format === 'pdf' ? await renderPdf(html) : html);
          } finally {
            await closePdfBrowser();
          }
          console.log(
            say(currentLang(), 'bulletinWritten', {
              file: flags.out,
              name: bulletin.campaign.name,
              clues: bulletin.totals.current.clues,
              campaigns: bulletin.campaigns.length,
            }),
          );
        }),
    );
}
