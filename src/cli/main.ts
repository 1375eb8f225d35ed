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
import { messageIn } from './error-message';

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
