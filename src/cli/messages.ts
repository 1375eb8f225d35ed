import type { Lang } from '../vocabulary/labels';

/**
 * Every message the CLI prints for a person, in English and Chinese, in one table (issue 13): commands say
 * `say(lang, 'key', {…})` and never build a message with a language ternary of their own. Locations
 * (`file:line:col`, `sheet, row, cell`) are arguments, so both languages keep them verbatim. Stable
 * identifiers (ids, codes, instants) are printed as they are in both languages.
 */
type Template<A> = { readonly en: (a: A) => string; readonly zh: (a: A) => string };
const m = <A = Record<string, never>>(en: (a: A) => string, zh: (a: A) => string): Template<A> => ({
  en,
  zh,
});

export const CLI_MESSAGES = {
  // --- any command -------------------------------------------------------------------------------
  failed: m<{ message: string }>(
    (a) => a.message,
    (a) => `错误：${a.message}`,
  ),
  notANumber: m<{ option: string; value: string }>(
    (a) => `${a.option} must be a positive number, not ${a.value}`,
    (a) => `${a.option} 须为正数，而不是 ${a.value}`,
  ),
  notADate: m<{ option: string; value: string }>(
    (a) => `${a.option} ${a.value} is not a date (YYYY-MM-DD) or an ISO instant`,
    (a) => `${a.option} ${a.value} 不是日期（YYYY-MM-DD）或 ISO 时刻`,
  ),
  noSuchUser: m<{ option: string; userId: string }>(
    (a) => `${a.option} ${a.userId}: no such user (events are recorded for an existing user)`,
    (a) => `${a.option} ${a.userId}：没有这个用户（事件须记在已有用户名下）`,
  ),
  noSuchCampaign: m<{ campaignId: string }>(
    (a) => `no campaign ${a.campaignId}`,
    (a) => `没有专项行动 ${a.campaignId}`,
  ),
  // --- migrate, scheduler, rules ----------------------------------------------------------------
  schemaUpToDate: m<{ kind: string }>(
    (a) => `database schema is up to date (${a.kind})`,
    (a) => `数据库结构已是最新（${a.kind}）`,
  ),
  jobFired: m<{ dueAt: string; kind: string; streamId: string; status: string; outcome: string }>(
    (a) => `${a.dueAt} ${a.kind} ${a.streamId}: ${a.status} — ${a.outcome}`,
    (a) => `${a.dueAt} ${a.kind} ${a.streamId}：${a.status === 'done' ? '已执行' : '已跳过'} — ${a.outcome}`,
  ),
  schedulerPassFailed: m<{ error: string }>(
    (a) => `scheduler pass failed (jobs stay pending): ${a.error}`,
    (a) => `调度轮次失败（任务保持待执行）：${a.error}`,
  ),
  ruleSetPublished: m<{
    ruleSetId: string;
    version: number;
    ruleCount: number;
    campaignId: string;
    at: string;
  }>(
    (a) =>
      `published ${a.ruleSetId} version ${a.version} (${a.ruleCount} rules) for ${a.campaignId} at ${a.at}`,
    (a) =>
      `已发布 ${a.ruleSetId} 第 ${a.version} 版（${a.ruleCount} 条规则），专项行动 ${a.campaignId}，${a.at}`,
  ),
  ruleSetDryRun: m<{ ruleSetId: string; version: number; ruleCount: number; campaignId: string; at: string }>(
    (a) =>
      `dry run (nothing written): publishing ${a.ruleSetId} version ${a.version} (${a.ruleCount} rules) for ${a.campaignId} at ${a.at} would`,
    (a) =>
      `试运行（未写入）：若于 ${a.at} 为专项行动 ${a.campaignId} 发布 ${a.ruleSetId} 第 ${a.version} 版（${a.ruleCount} 条规则），将会`,
  ),
  ruleSetEvaluated: m<{ items: number; issued: number }>(
    (a) => `  evaluate ${a.items} open item(s) at once, issuing ${a.issued} escalation(s)`,
    (a) => `  立即评估 ${a.items} 个未结事项，下发 ${a.issued} 项问责措施`,
  ),
  noRuleFailures: m<{ campaignId: string }>(
    (a) => `no rule failures in ${a.campaignId}`,
    (a) => `${a.campaignId} 没有规则执行失败记录`,
  ),
  ruleFailureLine: m<{
    version: number;
    ruleId: string;
    stage: string;
    count: number;
    firstAt: string;
    lastAt: string;
    message: string;
  }>(
    (a) =>
      `v${a.version} ${a.ruleId} (${a.stage}): ${a.count} failure(s) ${a.firstAt} … ${a.lastAt} — ${a.message}`,
    (a) =>
      `第 ${a.version} 版 ${a.ruleId}（${a.stage}）：失败 ${a.count} 次 ${a.firstAt} … ${a.lastAt} — ${a.message}`,
  ),
  ruleSetVersionLine: m<{
    version: number;
    ruleSetId: string;
    ruleCount: number;
    at: string;
    by: string;
    sha: string;
  }>(
    (a) =>
      `v${a.version}  ${a.ruleSetId}  ${a.ruleCount} rules  published ${a.at} by ${a.by}  sha256 ${a.sha}`,
    (a) =>
      `第 ${a.version} 版  ${a.ruleSetId}  ${a.ruleCount} 条规则  ${a.by} 发布于 ${a.at}  sha256 ${a.sha}`,
  ),
  // --- ledgers, clues, supervision, bulletin ------------------------------------------------------
  rowsExported: m<{ file: string; rows: number }>(
    (a) => `${a.file}: ${a.rows} rows`,
    (a) => `${a.file}：${a.rows} 行`,
  ),
  templateWritten: m<{ file: string; categories: number; units: number }>(
    (a) =>
      `${a.file}: blank 整改工作台账, ${a.categories} categories and ${a.units} units in its drop-down lists`,
    (a) => `${a.file}：空白整改工作台账，下拉列表含 ${a.categories} 个问题类别、${a.units} 个单位`,
  ),
  rowSkipped: m<{ file: string; sheet: string; row: number; reason: string }>(
    (a) => `${a.file}: sheet ${a.sheet}, row ${a.row}: skipped, ${a.reason}`,
    (a) => `${a.file}：工作表 ${a.sheet}，第 ${a.row} 行：已跳过，${a.reason}`,
  ),
  dryRunNothingWritten: m<{ file: string }>(
    (a) => `${a.file}: dry run — nothing was written`,
    (a) => `${a.file}：试运行——未写入任何内容`,
  ),
  ledgerImported: m<{
    file: string;
    sheet: string;
    rows: number;
    created: number;
    updated: number;
    unchanged: number;
    applied: boolean;
  }>(
    (a) =>
      `${a.file} (sheet ${a.sheet}): ${a.rows} rows, ${a.created} created, ${a.updated} updated, ${a.unchanged} unchanged${a.applied ? '' : ', nothing applied'}`,
    (a) =>
      `${a.file}（工作表 ${a.sheet}）：${a.rows} 行，新建 ${a.created}，更新 ${a.updated}，未变 ${a.unchanged}${a.applied ? '' : '，未导入任何内容'}`,
  ),
  cluesImported: m<{
    file: string;
    sheet: string;
    rows: number;
    created: number;
    unchanged: number;
    applied: boolean;
  }>(
    (a) =>
      `${a.file} (sheet ${a.sheet}): ${a.rows} rows, ${a.created} registered, ${a.unchanged} unchanged${a.applied ? '' : ', nothing applied'}`,
    (a) =>
      `${a.file}（工作表 ${a.sheet}）：${a.rows} 行，登记 ${a.created}，未变 ${a.unchanged}${a.applied ? '' : '，未导入任何内容'}`,
  ),
  nothingImported: m<{ file: string; problems: number }>(
    (a) =>
      `${a.file}: ${a.problems} problem(s); nothing was imported (use --take-good-rows to take the rows without problems)`,
    (a) => `${a.file}：${a.problems} 处问题，未导入任何内容（用 --take-good-rows 导入没有问题的行）`,
  ),
  bulletinFormat: m<{ format: string }>(
    (a) => `--format must be html or pdf, not ${a.format}`,
    (a) => `--format 须为 html 或 pdf，而不是 ${a.format}`,
  ),
  bulletinWritten: m<{ file: string; name: string; clues: number; campaigns: number }>(
    (a) => `${a.file}: bulletin of ${a.name}, ${a.clues} clues, ${a.campaigns} campaign(s)`,
    (a) => `${a.file}：${a.name} 工作简报，问题线索 ${a.clues} 条，专项行动 ${a.campaigns} 个`,
  ),
  // --- reporting (报送) ---------------------------------------------------------------------------
  reportingSet: m<{ campaignId: string; cadence: string; units: string; next: string }>(
    (a) => `${a.campaignId}: reporting ${a.cadence} by ${a.units}; next due ${a.next}`,
    (a) => `${a.campaignId}：报送要求 ${a.cadence}，报送单位 ${a.units}；下次报送时点 ${a.next}`,
  ),
  reportingCadenceMissing: m<{ template: string }>(
    (a) =>
      `the campaign's template ${a.template} has no seed cadence: give --preset, --month-days or --weekdays`,
    (a) => `专项行动模板 ${a.template} 没有预设报送要求：请用 --preset、--month-days 或 --weekdays 指定`,
  ),
  reportingBadPreset: m<{ preset: string; presets: string }>(
    (a) => `--preset ${a.preset}: no such preset (${a.presets})`,
    (a) => `--preset ${a.preset}：没有这个预设（${a.presets}）`,
  ),
  reportSubmitted: m<{ campaignId: string; unitId: string; dueAt: string; at: string }>(
    (a) => `${a.campaignId}: ${a.unitId} reported for the due instant ${a.dueAt} at ${a.at}`,
    (a) => `${a.campaignId}：${a.unitId} 已于 ${a.at} 报送（报送时点 ${a.dueAt}）`,
  ),
  reportingNone: m<{ campaignId: string }>(
    (a) => `${a.campaignId}: no reporting cadence set`,
    (a) => `${a.campaignId}：未设置报送要求`,
  ),
  reportingEnded: m<{ campaignId: string; until: string }>(
    (a) => `${a.campaignId}: the reporting cadence ended at ${a.until}; give --due`,
    (a) => `${a.campaignId}：报送要求已于 ${a.until} 结束；请用 --due 指定报送时点`,
  ),
  cadenceEndedAt: m<{ until: string }>(
    (a) => `none (the cadence ended at ${a.until})`,
    (a) => `无（报送要求已于 ${a.until} 结束）`,
  ),
  reportingHeader: m<{ campaignId: string; cadence: string; since: string; next: string }>(
    (a) => `${a.campaignId}: reporting ${a.cadence} since ${a.since}; next due ${a.next}`,
    (a) => `${a.campaignId}：报送要求 ${a.cadence}，自 ${a.since} 起；下次报送时点 ${a.next}`,
  ),
  reportingUnitLine: m<{ unitId: string; unitName: string; missed: number; dues: string }>(
    (a) => `  ${a.unitId} ${a.unitName}: ${a.missed} missed${a.missed ? ` (${a.dues})` : ''}`,
    (a) => `  ${a.unitId} ${a.unitName}：漏报 ${a.missed} 次${a.missed ? `（${a.dues}）` : ''}`,
  ),
} as const;

export type CliMessageKey = keyof typeof CLI_MESSAGES;
type ArgsOf<K extends CliMessageKey> = Parameters<(typeof CLI_MESSAGES)[K]['en']>[0];

/** The message `key` in `lang`, filled with `args`. */
export function say<K extends CliMessageKey>(lang: Lang, key: K, args: ArgsOf<K>): string {
  const template = CLI_MESSAGES[key] as Template<ArgsOf<K>>;
  return template[lang](args);
}

/** An error whose message is already in the reader's language (main prints it as it is). */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}
