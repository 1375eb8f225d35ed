import type { Command } from 'commander';
import { shanghaiTime, triggerInWords } from '../audit/auditor-text';
import { RuleSetRejectedError } from '../escalation';
import { simulateRuleSet } from '../escalation/simulate-rule-set';
import type {
  CandidateReport,
  GroupCounts,
  ReportEscalation,
  ReportFact,
  SimulationReport,
} from '../escalation/simulation-report';
import { openDatabaseFromEnvironment, type Database } from '../persistence/database';
import { displaySafe } from '../rules';
import { loadAnyRuleFile } from '../rule-files/decision-workbook';
import { ZhengzhiError } from '../shared/errors';
import { labelOf, type Lang } from '../vocabulary/labels';
import { currentLang } from './lang';
import { say } from './messages';
import type { RulesCommandIo } from './rules-commands';

/** Exit codes of `rules simulate`: like diff(1), so a script can gate a publication on them. */
export const SimulateExit = { identical: 0, differences: 1, cannotSimulate: 2 } as const;

const processIo: RulesCommandIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

export interface SimulateOptions {
  campaign: string;
  from?: string;
  to?: string;
  json?: boolean;
}

/**
 * `rules simulate <file> --campaign <id>`: what the candidate rule set (a .rules file or a decision-table
 * workbook) would have issued over the campaign's recorded history, beside what was issued. Exit 0 when it
 * issues exactly what was issued, 1 when it differs, 2 when it cannot run (located errors in the file, an
 * unknown campaign, a bad instant). Writes nothing.
 */
export async function simulateRuleFile(
  database: Database,
  file: string,
  options: SimulateOptions,
  io: RulesCommandIo = processIo,
  lang: Lang = currentLang(),
): Promise<number> {
  const done = (code: number) => {
    io.setExitCode(code);
    return code;
  };
  const loaded = await loadAnyRuleFile(file);
  if (!loaded.result.ok) {
    for (const diag of loaded.result.diagnostics) io.err(loaded.format(diag, lang));
    return done(SimulateExit.cannotSimulate);
  }
  let report: SimulationReport;
  try {
    report = await simulateRuleSet(database, options.campaign, loaded.source, file, {
      from: options.from,
      to: options.to,
    });
  } catch (error) {
    if (error instanceof RuleSetRejectedError) {
      for (const diag of error.diagnostics) io.err(loaded.format(diag, lang));
      return done(SimulateExit.cannotSimulate);
    }
    if (error instanceof ZhengzhiError) {
      io.err(say(lang, 'failed', { message: error.message }));
      return done(SimulateExit.cannotSimulate);
    }
    throw error;
  }
  if (options.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of simulationText(report)) io.out(line);
  return done(report.summary.identical ? SimulateExit.identical : SimulateExit.differences);
}

const measure = (code: string) => labelOf('measure', code);
const target = (t: { kind: string; id: string }) => `${labelOf('target', t.kind)}（${displaySafe(t.id)}）`;
const facts = (list: readonly ReportFact[]) =>
  list.map((f) => `${f.fact} = ${displaySafe(f.text)}`).join('；') || '（无）';
const counts = (c: GroupCounts) => `新增 ${c.added}，撤销 ${c.removed}，变化 ${c.changed}`;
const CHANGE_WORDS = {
  heavier: '加重',
  lighter: '减轻',
  otherTarget: '对象改变',
  earlier: '提前',
  later: '推迟',
};

function line(sign: string, e: ReportEscalation): string {
  return `  ${sign} 事项 ${displaySafe(e.itemId ?? '—')} · ${measure(e.measure)} ${target(e.target)} · 规则 ${e.ruleId}「${displaySafe(e.ruleTitle)}」 · ${shanghaiTime(e.issuedAt)} ${triggerInWords(e.trigger, 'zh')}`;
}

function why(candidate: CandidateReport): string {
  switch (candidate.outcome) {
    case 'ruleAbsent':
      return '候选规则集中没有这条规则';
    case 'notEvaluated':
      return '候选规则集在该时点未评估此事项（其状态下没有可触发的规则）';
    case 'ruleSetFailed':
      return `候选规则集评估失败：${displaySafe(candidate.message)}`;
    case 'conditionFalse':
      return `条件不成立：${candidate.failedConditions.map(displaySafe).join('；')}（${facts(candidate.facts)}）`;
    case 'overridden':
      return `未下发：${displaySafe(candidate.explanation.zh)}`;
    case 'underHeavier':
      return `同一对象已有更重的${measure(candidate.measure)}尚未办结`;
    case 'issuedOtherwise':
      return `改为${measure(candidate.measure)} ${target(candidate.target)}`;
  }
}

/** The report for people: Chinese labels, Asia/Shanghai times, grouped per rule, per unit and per item. */
export function simulationText(report: SimulationReport): string[] {
  const { candidate, summary, evaluated: n, window } = report;
  const out = [
    `模拟规则集 ${displaySafe(candidate.ruleSetId)} 版本 ${candidate.version}（${displaySafe(candidate.fileName)}，${candidate.ruleCount} 条规则）· 专项行动 ${displaySafe(report.campaignId)}`,
    `时段：${window.from ? shanghaiTime(window.from) : '行动开始'} 至 ${window.to ? shanghaiTime(window.to) : '最后记录'}（北京时间）`,
    `已评估：事项事件 ${n.evaluatedItemEvents} 次，日检查 ${n.sweeps} 次（调度记录 ${n.recordedSweeps}，按周期补算 ${n.cadenceSweeps}），规则评估 ${n.evaluations} 次`,
    `实际下发 ${summary.recorded} 项，模拟下发 ${summary.simulated} 项：不变 ${summary.unchanged}，新增 ${summary.added}，撤销 ${summary.removed}，变化 ${summary.changed}`,
  ];
  if (summary.identical) {
    out.push('结论：与实际下发完全一致。');
    return out;
  }
  out.push('', '按规则');
  for (const g of report.byRule) out.push(`  ${g.ruleId}「${displaySafe(g.ruleTitle)}」：${counts(g)}`);
  out.push('按单位');
  for (const g of report.byUnit) out.push(`  ${displaySafe(g.unitId)}：${counts(g)}`);
  out.push('按事项');
  for (const g of report.byItem)
    out.push(`  ${displaySafe(g.itemId ?? '—')}（${displaySafe(g.unitId)}）：${counts(g)}`);
  if (report.added.length) out.push('', '新增（候选规则集会下发，实际未下发）');
  for (const e of report.added) out.push(line('+', e), `      依据：${facts(e.facts)}`);
  if (report.removed.length) out.push('', '撤销（实际下发，候选规则集不会下发）');
  for (const e of report.removed)
    out.push(
      `${line('-', e)} · ${e.escalationId}`,
      `      实际依据：${facts(e.facts)}`,
      `      候选规则集：${why(e.candidate)}`,
    );
  if (report.changed.length) out.push('', '变化');
  for (const c of report.changed) {
    const r = c.recorded;
    const s = c.simulated;
    out.push(
      `  ~ 事项 ${displaySafe(c.itemId ?? '—')} · 规则 ${c.ruleId} · ${c.kinds.map((k) => CHANGE_WORDS[k]).join('、')}：` +
        `${measure(r.measure)} ${target(r.target)} ${shanghaiTime(r.issuedAt)} → ${measure(s.measure)} ${target(s.target)} ${shanghaiTime(s.issuedAt)}`,
      `      模拟依据：${facts(s.facts)}`,
    );
  }
  if (report.tags.added.length || report.tags.removed.length) out.push('', '标签');
  for (const t of report.tags.added)
    out.push(`  + 事项 ${displaySafe(t.itemId)} 标记「${displaySafe(t.tag)}」 ${shanghaiTime(t.at)}`);
  for (const t of report.tags.removed)
    out.push(`  - 事项 ${displaySafe(t.itemId)} 标记「${displaySafe(t.tag)}」 ${shanghaiTime(t.at)}`);
  if (report.failures.length) out.push('', '规则评估失败（已跳过）');
  for (const f of report.failures)
    out.push(
      `  ${f.ruleId}（${f.stage}）${f.count} 次，首次 ${shanghaiTime(f.firstAt)}：${displaySafe(f.message)}`,
    );
  return out;
}

/** Adds `rules simulate` to the zhengzhi command line (tests inject the database and the output). */
export function registerSimulateCommand(
  program: Command,
  deps: { openDatabase?: () => Promise<Database>; io?: RulesCommandIo } = {},
): void {
  const rules =
    program.commands.find((c) => c.name() === 'rules') ??
    program.command('rules').description('escalation rules');
  rules
    .command('simulate <file>')
    .description(
      '模拟候选规则集在行动实际历史上的结果，与实际下发对比（不写入任何数据）/ what-if: the candidate rule set over the recorded history, beside what was issued (exit 0 same, 1 differs, 2 cannot run)',
    )
    .requiredOption('--campaign <id>', 'campaign stream id')
    .option('--from <instant>', 'from this instant (default: the first publication of a rule set)')
    .option('--to <instant>', 'up to this instant (default: the last recorded instant)')
    .option('--json', 'print the report as JSON (README, "What-if simulation")')
    .action(async (file: string, options: SimulateOptions) => {
      const database = await (deps.openDatabase ?? openDatabaseFromEnvironment)();
      try {
        await simulateRuleFile(database, file, options, deps.io ?? processIo);
      } finally {
        await database.close();
      }
    });
}
