import { Command } from 'commander';
import { registerServeCommand } from './serve-command';
import { registerRulesCommands } from './rules-commands';
import { registerEngineCommands } from './engine-commands';
import { registerAuditCommands } from './audit-commands';
import { registerLedgerCommands } from './ledger-commands';
import { registerMachineCommands } from './machine-commands';
import { registerCorrectionCommands } from './correction-commands';
import { registerNotificationCommands } from './notification-commands';
import { registerInspectCommand } from './inspect-command';
import { registerSandboxCommands } from './sandbox-commands';
import { registerDeadlineCommands } from './deadline-commands';
import { registerSimulateCommand } from './rules-simulate';
import { registerReportingCommands } from './reporting-commands';
import { chooseLang, cliLang, langFromArgv } from './lang';
import { say } from './messages';
import { UNREADABLE_ZH, WorkbookUnreadableError } from '../ledgers/import-problems';
import type { Lang } from '../vocabulary/labels';
import { toProblem } from '../api/problem';
import { localizeProblem } from '../api/problem-zh';
import { ZhengzhiError } from '../shared/errors';

/** Builds the `zhengzhi` command line; each capability registers its own subcommands. */
export function buildProgram(): Command {
  const program = new Command('zhengzhi')
    .description('整治 — campaigns, problem items and escalation rules for rectification campaigns')
    .option('--lang <zh|en>', 'messages in Chinese or English (default: from LANG, e.g. zh_CN.UTF-8)')
    .showHelpAfterError();
  // Every subcommand speaks through the message table (messages.ts) in the language chosen here.
  program.hook('preAction', () => chooseLang(program.opts<{ lang?: string }>().lang));
  registerServeCommand(program);
  // before the engine's commands, which add `rules publish` and `rules versions` to the same group
  registerRulesCommands(program);
  registerEngineCommands(program);
  registerSimulateCommand(program);
  registerAuditCommands(program);
  registerLedgerCommands(program);
  registerMachineCommands(program);
  registerCorrectionCommands(program);
  registerNotificationCommands(program);
  registerInspectCommand(program);
  registerSandboxCommands(program);
  registerDeadlineCommands(program);
  registerReportingCommands(program);
  return program;
}

/**
 * An error's message for the reader. In Chinese a refusal reads as the API's does (problem-zh.ts): its
 * Chinese detail where the error's structured details say enough (a field's validation, a state that does not
 * accept the command, a version conflict, an unreadable workbook …), else the problem's Chinese title before the
 * English detail. Located messages (file:line:col, sheet!cell) keep their location either way.
 */
export function messageIn(lang: Lang, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (lang !== 'zh') return message;
  if (error instanceof WorkbookUnreadableError) {
    const why = error.details.unreadable as keyof typeof UNREADABLE_ZH | undefined;
    if (why) return `${String(error.details.file)}：${UNREADABLE_ZH[why]}`;
  }
  if (!(error instanceof ZhengzhiError)) return message;
  const problem = toProblem(error);
  const localized = localizeProblem(problem.toDocument(), problem.kind, 'zh');
  return localized.detailEn !== undefined ? String(localized.detail) : `${localized.title}：${message}`;
}

/** Entry point used by bin/zhengzhi.js. */
export function main(argv: string[]): void {
  buildProgram()
    .parseAsync(argv)
    .catch((error: unknown) => {
      // Located messages (file:line:col, sheet!cell) keep their location; Chinese output says 错误 first.
      const lang = cliLang(langFromArgv(argv));
      console.error(say(lang, 'failed', { message: messageIn(lang, error) }));
      process.exitCode = 1;
    });
}
