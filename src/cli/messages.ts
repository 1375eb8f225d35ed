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
  schedulerIntervalInvalid: m(
    () => '--scheduler-interval must be a positive number of seconds',
    () => '--scheduler-interval 须为正的秒数',
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
  clueTemplateWritten: m<{ file: string; sources: number; units: number }>(
    (a) => `${a.file}: blank 线索台账, ${a.sources} clue sources and ${a.units} units in its drop-down lists`,
    (a) => `${a.file}：空白线索台账，下拉列表含 ${a.sources} 种线索来源、${a.units} 个单位`,
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
  // --- serve, bootstrap ---------------------------------------------------------------------------
  demoLoading: m(
    () => 'loading the demo data into an empty database (skipped when it has data)…',
    () => '正在向空数据库载入演示数据（已有数据则跳过）……',
  ),
  listening: m<{ url: string; database: string; readySeconds: number; cpuSeconds: number }>(
    (a) =>
      `zhengzhi API listening on ${a.url} (database: ${a.database}, ready ${a.readySeconds.toFixed(1)} s after the process started, ${a.cpuSeconds.toFixed(1)} s of CPU); docs at ${a.url}/docs`,
    (a) =>
      `zhengzhi 接口已在 ${a.url} 监听（数据库：${a.database}，进程启动后 ${a.readySeconds.toFixed(1)} 秒就绪，CPU ${a.cpuSeconds.toFixed(1)} 秒）；接口文档 ${a.url}/docs`,
  ),
  demoLoaded: m<{
    campaignId: string;
    items: number;
    escalations: number;
    from: { dir: string; builtAt: string } | null;
  }>(
    (a) =>
      `demo data loaded${a.from ? ` from the build's demo database (${a.from.dir}, recorded ${a.from.builtAt})` : ''}: campaign ${a.campaignId} with ${a.items} items and ${a.escalations} escalations`,
    (a) =>
      `演示数据已载入${a.from ? `（取自构建时的演示数据库 ${a.from.dir}，录制于 ${a.from.builtAt}）` : ''}：专项行动 ${a.campaignId}，问题事项 ${a.items} 条，升级处置 ${a.escalations} 项`,
  ),
  demoLogins: m<{ password: string }>(
    (a) => `demo logins (password for all: ${a.password}):`,
    (a) => `演示账号（密码均为 ${a.password}）：`,
  ),
  demoLogin: m<{ username: string; description: string; descriptionZh: string }>(
    (a) => `  ${a.username.padEnd(14)} ${a.description}`,
    (a) => `  ${a.username.padEnd(14)} ${a.descriptionZh}`,
  ),
  demoNotEmpty: m(
    () => 'demo data not loaded: the database is not empty',
    () => '未载入演示数据：数据库中已有数据',
  ),
  demoDisabled: m(
    () => 'demo data not loaded: disabled with --no-demo',
    () => '未载入演示数据：已用 --no-demo 关闭',
  ),
  sandboxMovedAtStart: m<{ from: string; to: string; jobs: number; steps: number }>(
    (a) => `sandbox clock moved ${a.from} → ${a.to}: ${a.jobs} job(s) fired in ${a.steps} step(s)`,
    (a) => `演练时钟已从 ${a.from} 拨到 ${a.to}：分 ${a.steps} 步执行任务 ${a.jobs} 个`,
  ),
  sandboxBanner: m<{ created: boolean; now: string }>(
    (a) =>
      `演练模式 (sandbox${a.created ? ', new database' : ''}): the clock stands at ${a.now}; move it with POST /sandbox/clock {"to": …}`,
    (a) =>
      `演练模式${a.created ? '（新建数据库）' : ''}：时钟停在 ${a.now}；用 POST /sandbox/clock {"to": …} 拨动`,
  ),
  jwtSecretShort: m(
    () => 'ZHENGZHI_JWT_SECRET must be at least 32 bytes long',
    () => 'ZHENGZHI_JWT_SECRET 至少须为 32 字节',
  ),
  clusterNeedsSecret: m(
    () =>
      'serve --cluster (or ZHENGZHI_CLUSTER=1) needs ZHENGZHI_JWT_SECRET (≥ 32 bytes), the same on every node',
    () => 'serve --cluster（或 ZHENGZHI_CLUSTER=1）需要 ZHENGZHI_JWT_SECRET（≥ 32 字节），各节点相同',
  ),
  clusterNeedsDatabase: m(
    () => 'serve --cluster needs DATABASE_URL: nodes share one PostgreSQL, never the embedded database',
    () => 'serve --cluster 需要 DATABASE_URL：各节点共用一个 PostgreSQL，不能用内嵌数据库',
  ),
  notAPort: m<{ value: string }>(
    (a) => `--port must be a port number, not ${a.value}`,
    (a) => `--port 须为端口号，而不是 ${a.value}`,
  ),
  badLevel: m<{ levels: string }>(
    (a) => `--level must be one of ${a.levels}`,
    (a) => `--level 须为以下之一：${a.levels}`,
  ),
  adminPasswordMissing: m(
    () => 'set ZHENGZHI_ADMIN_PASSWORD (at least 12 characters) for the first supervisor',
    () => '请为第一位督导设置 ZHENGZHI_ADMIN_PASSWORD（至少 12 个字符）',
  ),
  databaseHasUsers: m(
    () =>
      'the database already has users; create more through POST /users, or add an independent bureau with --another-bureau',
    () => '数据库中已有用户；请通过 POST /users 添加用户，或用 --another-bureau 添加一个独立的单位体系',
  ),
  unitExists: m<{ unitId: string }>(
    (a) => `unit ${a.unitId} already exists; --another-bureau creates a new root unit`,
    (a) => `单位 ${a.unitId} 已存在；--another-bureau 用于新建一个根单位`,
  ),
  bootstrapped: m<{ unitId: string; username: string; another: boolean }>(
    (a) =>
      `created ${a.another ? 'the independent root unit' : 'unit'} ${a.unitId} and supervisor ${a.username}; log in with POST /auth/login`,
    (a) =>
      `已创建${a.another ? '独立根单位' : '单位'} ${a.unitId} 和督导 ${a.username}；用 POST /auth/login 登录`,
  ),
  // --- notifications -----------------------------------------------------------------------------
  dispatchReport: m<{ leased: number; delivered: number; retried: number; dead: number }>(
    (a) => `leased ${a.leased}, delivered ${a.delivered}, retried ${a.retried}, dead-lettered ${a.dead}`,
    (a) => `领取 ${a.leased}，送达 ${a.delivered}，重试 ${a.retried}，转入死信 ${a.dead}`,
  ),
  smtpMissing: m(
    () => 'ZHENGZHI_SMTP_URL is not set: e-mail deliveries wait for a dispatcher that has it',
    () => '未设置 ZHENGZHI_SMTP_URL：邮件投递将等待配置了它的发送进程',
  ),
  dispatcherRunning: m<{ name: string }>(
    (a) => `dispatcher ${a.name} running; Ctrl-C to stop`,
    (a) => `发送进程 ${a.name} 运行中；按 Ctrl-C 停止`,
  ),
  dispatchFailed: m<{ error: string }>(
    (a) => `dispatch pass failed (deliveries stay queued): ${a.error}`,
    (a) => `本轮发送失败（投递保持排队）：${a.error}`,
  ),
  deliveryLine: m<{
    id: number;
    status: string;
    channel: string;
    target: string;
    messageId: string;
    attempts: number;
    lastError: string;
  }>(
    (a) =>
      `${a.id}\t${a.status}\t${a.channel}\t${a.target}\t${a.messageId}\tattempts ${a.attempts}${a.lastError ? `\t${a.lastError}` : ''}`,
    (a) =>
      `${a.id}\t${a.status}\t${a.channel}\t${a.target}\t${a.messageId}\t尝试 ${a.attempts} 次${a.lastError ? `\t${a.lastError}` : ''}`,
  ),
  noDeliveries: m(
    () => 'no deliveries match',
    () => '没有符合条件的投递',
  ),
  notADeliveryId: m<{ id: string }>(
    (a) => `delivery id ${a.id} is not a number`,
    (a) => `投递编号 ${a.id} 不是数字`,
  ),
  redelivered: m<{ n: number }>(
    (a) => `queued ${a.n} deliver${a.n === 1 ? 'y' : 'ies'} again`,
    (a) => `已重新排队 ${a.n} 个投递`,
  ),
  notJsonFile: m<{ file: string; detail: string }>(
    (a) => `${a.file}:1:1: not a JSON file (${a.detail})`,
    (a) => `${a.file}:1:1：不是 JSON 文件（${a.detail}）`,
  ),
  templateFields: m<{ file: string }>(
    (a) => `${a.file}:1:1: needs string fields "subject" and "body"`,
    (a) => `${a.file}:1:1：须有字符串字段 "subject" 和 "body"`,
  ),
  inFile: m<{ file: string; message: string }>(
    (a) => `${a.file}: ${a.message}`,
    (a) => `${a.file}：${a.message}`,
  ),
  templateSaved: m<{ kind: string }>(
    (a) => `saved the ${a.kind} template`,
    (a) => `已保存 ${a.kind} 通知模板`,
  ),
  templateReset: m<{ kind: string }>(
    (a) => `the ${a.kind} template is the default again`,
    (a) => `${a.kind} 通知模板已恢复默认`,
  ),
  templateHead: m<{ kind: string; label: string; by: string | null; at: string | null }>(
    (a) => `# ${a.kind} ${a.label}${a.by ? ` (edited by ${a.by} at ${a.at})` : ''}`,
    (a) => `# ${a.kind} ${a.label}${a.by ? `（${a.by} 修改于 ${a.at}）` : ''}`,
  ),
  templateBody: m<{ subject: string; body: string; placeholders: string }>(
    (a) => `subject: ${a.subject}\nbody: ${a.body}\nplaceholders: ${a.placeholders}\n`,
    (a) => `标题：${a.subject}\n正文：${a.body}\n占位符：${a.placeholders}\n`,
  ),
  quietHoursFormat: m(
    () => '--quiet must look like 22-7 or none',
    () => '--quiet 须形如 22-7 或为 none',
  ),
  digestOnOff: m(
    () => '--digest must be on or off',
    () => '--digest 须为 on 或 off',
  ),
  endpointKind: m<{ kind: string }>(
    (a) => `kind must be webhook or amqp, not ${a.kind}`,
    (a) => `类型须为 webhook 或 amqp，而不是 ${a.kind}`,
  ),
  endpointSaved: m<{ id: string; kind: string; url: string }>(
    (a) => `endpoint ${a.id} (${a.kind}) → ${a.url}`,
    (a) => `推送端点 ${a.id}（${a.kind}）→ ${a.url}`,
  ),
  // --- rules check, test, export-table, simulate ---------------------------------------------------
  ruleFileOk: m<{ file: string; id: string; version: number; rules: number; examples: number }>(
    (a) => `${a.file}: ok — ${a.id} version ${a.version}, ${a.rules} rules, ${a.examples} examples`,
    (a) => `${a.file}：通过 — ${a.id} 第 ${a.version} 版，规则 ${a.rules} 条，示例 ${a.examples} 个`,
  ),
  examplePassed: m<{ where: string; title: string }>(
    (a) => `PASS ${a.where} ${a.title}`,
    (a) => `通过 ${a.where} ${a.title}`,
  ),
  exampleFailed: m<{ where: string; title: string }>(
    (a) => `FAIL ${a.where} ${a.title}`,
    (a) => `失败 ${a.where} ${a.title}`,
  ),
  noExamples: m<{ file: string }>(
    (a) => `${a.file}: no examples (例/example)`,
    (a) => `${a.file}：没有示例（例/example）`,
  ),
  examplesSummary: m<{ passed: number; failed: number }>(
    (a) => `${a.passed} passed, ${a.failed} failed`,
    (a) => `通过 ${a.passed} 个，失败 ${a.failed} 个`,
  ),
  tablesWritten: m<{ out: string; tables: Array<{ name: string; rows: number }> }>(
    (a) => `${a.out}: ${a.tables.map((t) => `${t.name} (${t.rows} rows)`).join(', ')}`,
    (a) => `${a.out}：${a.tables.map((t) => `${t.name}（${t.rows} 行）`).join('，')}`,
  ),
  // --- corrections, machines, inspect, sandbox ------------------------------------------------------
  notASequence: m<{ option: string; value: string }>(
    (a) => `${a.option} must be a whole number, not ${a.value}`,
    (a) => `${a.option} 须为整数，而不是 ${a.value}`,
  ),
  notAnEventNumber: m<{ value: string }>(
    (a) => `--event must be a sequence number, not ${a.value}`,
    (a) => `--event 须为事件序号，而不是 ${a.value}`,
  ),
  correctionField: m<{ pair: string; fields: string }>(
    (a) => `--set ${a.pair}: give one of ${a.fields} as name=value`,
    (a) => `--set ${a.pair}：请以 名称=值 的形式给出以下字段之一：${a.fields}`,
  ),
  correctionRequested: m<{ itemId: string; version: number; event: string; to: string; toLabel: string }>(
    (a) =>
      `${a.itemId} event ${a.version}: correction of event ${a.event} requested (→ ${a.to}); it takes effect when a second person approves`,
    (a) =>
      `${a.itemId} 第 ${a.version} 个事件：已申请更正第 ${a.event} 个事件（→ ${a.toLabel}）；经另一人批准后生效`,
  ),
  correctionApproved: m<{
    itemId: string;
    version: number;
    corrects: number;
    state: string;
    stateLabel: string;
  }>(
    (a) => `${a.itemId} event ${a.version}: correction of event ${a.corrects} approved — now ${a.state}`,
    (a) =>
      `${a.itemId} 第 ${a.version} 个事件：第 ${a.corrects} 个事件的更正已批准 — 现为「${a.stateLabel}」`,
  ),
  escalationVoided: m<{ id: string }>(
    (a) => `  voided escalation ${a.id}`,
    (a) => `  已作废升级处置 ${a.id}`,
  ),
  correctionRefused: m<{ itemId: string; version: number; state: string; stateLabel: string }>(
    (a) => `${a.itemId} event ${a.version}: correction refused — still ${a.state}`,
    (a) => `${a.itemId} 第 ${a.version} 个事件：更正未予批准 — 仍为「${a.stateLabel}」`,
  ),
  machineVersionLine: m<{
    streamType: string;
    version: number;
    current: boolean;
    streams: number;
    live: number;
  }>(
    (a) =>
      `${a.streamType.padEnd(11)} v${a.version}${a.current ? ' (new streams)' : '              '} ${String(a.streams).padStart(8)} streams, ${String(a.live).padStart(8)} live`,
    (a) =>
      `${a.streamType.padEnd(11)} v${a.version}${a.current ? '（新建流程用）' : '              '} ${String(a.streams).padStart(8)} 个流程，${String(a.live).padStart(8)} 个在办`,
  ),
  migrationHead: m<{
    dryRun: boolean;
    streamType: string;
    toVersion: number;
    mapping: string | null;
    context: string;
  }>(
    (a) =>
      `${a.dryRun ? 'dry run: ' : ''}${a.streamType} streams to version ${a.toVersion}${a.mapping ? ` (mapping ${a.mapping}; context ${a.context})` : ''}`,
    (a) =>
      `${a.dryRun ? '试运行：' : ''}${a.streamType} 流程迁移到第 ${a.toVersion} 版${a.mapping ? `（映射 ${a.mapping}；上下文 ${a.context}）` : ''}`,
  ),
  migrationLine: m<{
    fromVersion: number;
    state: string;
    count: number;
    mapsTo: string | null;
    reason: string;
  }>(
    (a) =>
      `  v${a.fromVersion} ${a.state.padEnd(20)} ${String(a.count).padStart(8)}  ${a.mapsTo !== null ? `→ ${a.mapsTo}` : `cannot be migrated: ${a.reason}`}`,
    (a) =>
      `  v${a.fromVersion} ${a.state.padEnd(20)} ${String(a.count).padStart(8)}  ${a.mapsTo !== null ? `→ ${a.mapsTo}` : `无法迁移：${a.reason}`}`,
  ),
  migrationTotals: m<{ migratable: number; unmappable: number; onTarget: number; toVersion: number }>(
    (a) =>
      `  ${a.migratable} to migrate, ${a.unmappable} cannot be migrated, ${a.onTarget} already on version ${a.toVersion}`,
    (a) => `  待迁移 ${a.migratable}，无法迁移 ${a.unmappable}，已在第 ${a.toVersion} 版 ${a.onTarget}`,
  ),
  migrationDone: m<{ migrated: number; skipped: number }>(
    (a) => `migrated ${a.migrated} stream(s)${a.skipped ? `, ${a.skipped} skipped` : ''}`,
    (a) => `已迁移 ${a.migrated} 个流程${a.skipped ? `，跳过 ${a.skipped} 个` : ''}`,
  ),
  noSuchStream: m<{ streamId: string }>(
    (a) => `stream ${a.streamId} not found`,
    (a) => `没有流程 ${a.streamId}`,
  ),
  sandboxAlready: m<{ now: string }>(
    (a) =>
      `the database is already a sandbox, its clock at ${a.now}; move it with \`zhengzhi sandbox clock --to\``,
    (a) => `该数据库已是演练库，时钟停在 ${a.now}；用 \`zhengzhi sandbox clock --to\` 拨动`,
  ),
  sandboxInitialised: m<{ created: boolean; now: string }>(
    (a) => `${a.created ? 'sandbox database created' : 'already a sandbox database'}; clock at ${a.now}`,
    (a) => `${a.created ? '已创建演练数据库' : '已是演练数据库'}；时钟停在 ${a.now}`,
  ),
  productionDatabase: m(
    () => 'this is a production database: it has no sandbox clock (create one with `sandbox init`)',
    () => '这是生产数据库：没有演练时钟（用 `sandbox init` 创建演练库）',
  ),
  sandboxMoved: m<{ from: string; to: string; jobs: number; notifications: number }>(
    (a) => `sandbox clock ${a.from} → ${a.to}: ${a.jobs} job(s), ${a.notifications} notification(s)`,
    (a) => `演练时钟 ${a.from} → ${a.to}：执行任务 ${a.jobs} 个，通知 ${a.notifications} 条`,
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
