import type { Command } from 'commander';
import { displaySafe, exampleDiagnostics, runExamples } from '../rules';
import { writeFileSync } from 'node:fs';
import { sourceToTables } from '../rules/decision-table';
import { loadAnyRuleFile, writeDecisionWorkbook } from '../rule-files/decision-workbook';
import { sourceLine } from '../rules/source';
import type { Lang } from '../vocabulary/labels';
import { currentLang } from './lang';
import { say } from './messages';

/** Where command output goes; injectable so tests can capture it. */
export interface RulesCommandIo {
  out(line: string): void;
  err(line: string): void;
  setExitCode(code: number): void;
}

const processIo: RulesCommandIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/**
 * `rules check <files...>`: compiles each file; prints `file:line:col: error ZRxxxx …` with the source
 * line and a caret; exit code 1 on any error.
 */
export async function checkRuleFiles(
  files: readonly string[],
  io: RulesCommandIo = processIo,
  lang: Lang = currentLang(),
): Promise<number> {
  let errors = 0;
  for (const file of files) {
    const loaded = await loadAnyRuleFile(file);
    if (loaded.result.ok) {
      const rs = loaded.result.ruleSet;
      for (const warning of loaded.result.warnings) io.err(loaded.format(warning, lang));
      io.out(
        say(lang, 'ruleFileOk', {
          file,
          id: rs.id,
          version: rs.version,
          rules: rs.rules.length,
          examples: rs.examples.length,
        }),
      );
      continue;
    }
    for (const diag of loaded.result.diagnostics) io.err(loaded.format(diag, lang));
    errors += loaded.result.diagnostics.filter((d) => d.severity === 'error').length;
  }
  const code = errors > 0 ? 1 : 0;
  io.setExitCode(code);
  return code;
}

/**
 * `rules test <files...>`: compiles each file and runs its in-file examples; prints PASS/FAIL per example
 * with its location; exit code 1 when a file fails to compile or an example fails.
 */
export async function testRuleFiles(
  files: readonly string[],
  io: RulesCommandIo = processIo,
  lang: Lang = currentLang(),
): Promise<number> {
  let failed = 0;
  let passed = 0;
  for (const file of files) {
    const loaded = await loadAnyRuleFile(file);
    if (!loaded.result.ok) {
      for (const diag of loaded.result.diagnostics) io.err(loaded.format(diag, lang));
      failed += 1;
      continue;
    }
    for (const warning of loaded.result.warnings) io.err(loaded.format(warning, lang));
    const results = runExamples(loaded.result.ruleSet);
    for (const result of results) {
      const located = loaded.locate({ ...exampleDiagnostics([result], file)[0]!, range: result.range });
      const where = located.cell
        ? `${displaySafe(file)}:${located.cell}`
        : `${displaySafe(file)}:${result.range.line}:${result.range.column}`;
      // Titles come from the file: a title with a line break or ESC must not print a forged PASS line.
      const title = displaySafe(result.title);
      if (result.passed) {
        passed++;
        io.out(say(lang, 'examplePassed', { where, title }));
      } else {
        failed++;
        io.out(say(lang, 'exampleFailed', { where, title }));
        for (const failure of result.failures) io.out(`     ${displaySafe(failure)}`);
        io.out(`     | ${displaySafe(sourceLine(loaded.source, result.range.line).trim()).slice(0, 200)}`);
      }
    }
    if (results.length === 0) io.out(say(lang, 'noExamples', { file }));
  }
  io.out(say(lang, 'examplesSummary', { passed, failed }));
  const code = failed > 0 ? 1 : 0;
  io.setExitCode(code);
  return code;
}

/**
 * `rules export-table <file> --out <xlsx>`: writes a rule set (a .rules file, or a workbook to normalise)
 * as decision tables; exit 1 naming what a table cannot hold (a rule with several measures).
 */
export async function exportRuleTable(
  file: string,
  out: string,
  io: RulesCommandIo = processIo,
  lang: Lang = currentLang(),
): Promise<number> {
  const loaded = await loadAnyRuleFile(file);
  if (!loaded.result.ok) {
    for (const diag of loaded.result.diagnostics) io.err(loaded.format(diag, lang));
    io.setExitCode(1);
    return 1;
  }
  const tables = sourceToTables(loaded.source, file);
  if (!tables.ok) {
    for (const problem of tables.problems) io.err(say(lang, 'inFile', { file, message: problem }));
    io.setExitCode(1);
    return 1;
  }
  writeFileSync(out, await writeDecisionWorkbook(tables.grids));
  io.out(
    say(lang, 'tablesWritten', {
      out,
      tables: tables.grids.map((g) => ({ name: g.name, rows: Math.max(0, g.cells.length - 1) })),
    }),
  );
  io.setExitCode(0);
  return 0;
}

/** Adds `rules check` and `rules test` to the zhengzhi command line. */
export function registerRulesCommands(program: Command): void {
  const rules = program.command('rules').description('规则文件检查与示例测试 / check and test .rules files');
  rules
    .command('check')
    .description('编译规则文件并报告错误 / compile rule files and report errors with locations')
    .argument('<files...>', '.rules files or decision-table workbooks (.xlsx)')
    .action(async (files: string[]) => void (await checkRuleFiles(files)));
  rules
    .command('test')
    .description('运行规则文件中的示例 / run the examples (例/example) in rule files')
    .argument('<files...>', '.rules files or decision-table workbooks (.xlsx)')
    .action(async (files: string[]) => void (await testRuleFiles(files)));
  rules
    .command('export-table')
    .description('把规则集写成决策表 / write a rule set as decision tables (.xlsx)')
    .argument('<file>', '.rules file (or .xlsx)')
    .requiredOption('--out <xlsx>', 'workbook to write')
    .action(
      async (file: string, options: { out: string }) => void (await exportRuleTable(file, options.out)),
    );
}
