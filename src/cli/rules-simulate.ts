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
import { messageIn } from './error-message';
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
      io.err(say(lang, 'failed', { message: messageIn(lang, error) }));
      return done(SimulateExit.cannotSimulate);
    }
    throw error;
  }
  if (options.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of simulationText(report, lang)) io.out(line);
  return done(report.summary.identical ? SimulateExit.identical : SimulateExit.differences);
}

/** The report for people, in the language asked for: labels, Asia/Shanghai times, per rule, unit and item. */
export function simulationText(report: SimulationReport, lang: Lang = 'zh'): string[] {
  const t = (zh: string, en: string) => (lang === 'zh' ? zh : en);
  const measure = (code: string) => labelOf('measure', code, lang);
  const target = (x: { kind: string; id: string }) =>
    `${labelOf('target', x.kind, lang)}${t('（', ' (')}${displaySafe(x.id)}${t('）', ')')}`;
  const facts = (list: readonly ReportFact[]) =>
    list
      .map((f) => `${lang === 'zh' ? f.fact : (f.factEn ?? f.fact)} = ${displaySafe(f.text)}`)
      .join(t('；', '; ')) || t('（无）', '(none)');
  const counts = (c: GroupCounts) =>
    t(
      `新增 ${c.added}，撤销 ${c.removed}，变化 ${c.changed}`,
      `added ${c.added}, removed ${c.removed}, changed ${c.changed}`,
    );
  const changeWords: Record<string, string> = {
    heavier: t('加重', 'heavier'),
    lighter: t('减轻', 'lighter'),
    otherTarget: t('对象改变', 'other target'),
    earlier: t('提前', 'earlier'),
    later: t('推迟', 'later'),
  };
  const time = (at: string) => shanghaiTime(at);
  const line = (sign: string, e: ReportEscalation) =>
    `  ${sign} ${t('事项', 'item')} ${displaySafe(e.itemId ?? '—')} · ${measure(e.measure)} ${target(e.target)} · ${t('规则', 'rule')} ${e.ruleId}「${displaySafe(e.ruleTitle)}」 · ${time(e.issuedAt)} ${triggerInWords(e.trigger, lang)}`;
  const why = (candidate: CandidateReport): string => {
    switch (candidate.outcome) {
      case 'ruleAbsent':
        return t('候选规则集中没有这条规则', 'the candidate has no such rule');
      case 'notEvaluated':
        return t(
          '候选规则集在该时点未评估此事项（其状态下没有可触发的规则）',
          'the candidate did not evaluate the item then (no rule can fire in its state)',
        );
      case 'ruleSetFailed':
        return `${t('候选规则集评估失败：', 'the candidate failed to evaluate: ')}${displaySafe(candidate.message)}`;
      case 'conditionFalse':
        return `${t('条件不成立：', 'condition false: ')}${candidate.failedConditions.map(displaySafe).join(t('；', '; '))}${t('（', ' (')}${facts(candidate.facts)}${t('）', ')')}`;
      case 'overridden':
        return `${t('未下发：', 'not issued: ')}${displaySafe(lang === 'zh' ? candidate.explanation.zh : (candidate.explanation.en ?? candidate.explanation.zh))}`;
      case 'underHeavier':
        return t(
          `同一对象已有更重的${measure(candidate.measure)}尚未办结`,
          `a heavier ${measure(candidate.measure)} on the same target is still open`,
        );
      case 'issuedOtherwise':
        return `${t('改为', 'issued instead: ')}${measure(candidate.measure)} ${target(candidate.target)}`;
    }
  };

  const { candidate, summary, evaluated: n, window } = report;
  const out = [
    t(
      `模拟规则集 ${displaySafe(candidate.ruleSetId)} 版本 ${candidate.version}（${displaySafe(candidate.fileName)}，${candidate.ruleCount} 条规则）· 专项行动 ${displaySafe(report.campaignId)}`,
      `Simulated rule set ${displaySafe(candidate.ruleSetId)} version ${candidate.version} (${displaySafe(candidate.fileName)}, ${candidate.ruleCount} rules) · campaign ${displaySafe(report.campaignId)}`,
    ),
    t(
      `时段：${window.from ? time(window.from) : '行动开始'} 至 ${window.to ? time(window.to) : '最后记录'}（北京时间）`,
      `Window: ${window.from ? time(window.from) : 'campaign start'} to ${window.to ? time(window.to) : 'last record'} (Asia/Shanghai)`,
    ),
    t(
      `已评估：事项事件 ${n.evaluatedItemEvents} 次，日检查 ${n.sweeps} 次（调度记录 ${n.recordedSweeps}，按周期补算 ${n.cadenceSweeps}），规则评估 ${n.evaluations} 次`,
      `Evaluated: ${n.evaluatedItemEvents} item events, ${n.sweeps} daily sweeps (${n.recordedSweeps} recorded, ${n.cadenceSweeps} at the cadence), ${n.evaluations} rule evaluations`,
    ),
    t(
      `实际下发 ${summary.recorded} 项，模拟下发 ${summary.simulated} 项：不变 ${summary.unchanged}，新增 ${summary.added}，撤销 ${summary.removed}，变化 ${summary.changed}`,
      `Issued ${summary.recorded}, simulated ${summary.simulated}: unchanged ${summary.unchanged}, added ${summary.added}, removed ${summary.removed}, changed ${summary.changed}`,
    ),
  ];
  if (summary.identical) {
    out.push(t('结论：与实际下发完全一致。', 'Result: identical to what was issued.'));
    return out;
  }
  out.push('', t('按规则', 'By rule'));
  for (const g of report.byRule)
    out.push(`  ${g.ruleId}「${displaySafe(g.ruleTitle)}」${t('：', ': ')}${counts(g)}`);
  out.push(t('按单位', 'By unit'));
  for (const g of report.byUnit) out.push(`  ${displaySafe(g.unitId)}${t('：', ': ')}${counts(g)}`);
  out.push(t('按事项', 'By item'));
  for (const g of report.byItem)
    out.push(
      `  ${displaySafe(g.itemId ?? '—')}${t('（', ' (')}${displaySafe(g.unitId)}${t('）：', '): ')}${counts(g)}`,
    );
  if (report.added.length)
    out.push(
      '',
      t('新增（候选规则集会下发，实际未下发）', 'Added (the candidate issues them; they were not issued)'),
    );
  for (const e of report.added) out.push(line('+', e), `      ${t('依据：', 'facts: ')}${facts(e.facts)}`);
  if (report.removed.length)
    out.push(
      '',
      t('撤销（实际下发，候选规则集不会下发）', 'Removed (issued; the candidate would not issue them)'),
    );
  for (const e of report.removed)
    out.push(
      `${line('-', e)} · ${e.escalationId}`,
      `      ${t('实际依据：', 'facts as issued: ')}${facts(e.facts)}`,
      `      ${t('候选规则集：', 'candidate: ')}${why(e.candidate)}`,
    );
  if (report.changed.length) out.push('', t('变化', 'Changed'));
  for (const c of report.changed) {
    const r = c.recorded;
    const x = c.simulated;
    out.push(
      `  ~ ${t('事项', 'item')} ${displaySafe(c.itemId ?? '—')} · ${t('规则', 'rule')} ${c.ruleId} · ${c.kinds.map((k) => changeWords[k]).join(t('、', ', '))}${t('：', ': ')}` +
        `${measure(r.measure)} ${target(r.target)} ${time(r.issuedAt)} → ${measure(x.measure)} ${target(x.target)} ${time(x.issuedAt)}`,
      `      ${t('模拟依据：', 'simulated facts: ')}${facts(x.facts)}`,
    );
  }
  if (report.tags.added.length || report.tags.removed.length) out.push('', t('标签', 'Tags'));
  for (const [sign, list] of [
    ['+', report.tags.added],
    ['-', report.tags.removed],
  ] as const)
    for (const tag of list)
      out.push(
        `  ${sign} ${t('事项', 'item')} ${displaySafe(tag.itemId)} ${t('标记', 'tag')}「${displaySafe(tag.tag)}」 ${time(tag.at)}`,
      );
  if (report.failures.length) out.push('', t('规则评估失败（已跳过）', 'Rule evaluation failures (skipped)'));
  for (const f of report.failures)
    out.push(
      `  ${f.ruleId}${t('（', ' (')}${f.stage}${t('）', ') ')}${f.count}${t(' 次，首次 ', ' times, first ')}${time(f.firstAt)}${t('：', ': ')}${displaySafe(f.message)}`,
    );
  return out;
}

/** Adds `rules simulate` to the zhengzhi command line (tests inject the database and the output). */
export function registerSimulateCommand(
  program: Command,
  deps: { openDatabase?: () => Promise<Database>; io?: RulesCommandIo; lang?: Lang } = {},
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
        await simulateRuleFile(database, file, options, deps.io ?? processIo, deps.lang ?? currentLang());
      } finally {
        await database.close();
      }
    });
}
