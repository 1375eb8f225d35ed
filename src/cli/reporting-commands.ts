import type { Command } from 'commander';
import { createRuntime, type Runtime } from '../runtime/runtime';
import type { Actor } from '../engine/engine';
import { seedCadenceOf } from '../machines/campaign-templates';
import type { CampaignContext } from '../machines/campaign-types';
import { CADENCE_PRESETS, nextDueOf, type ReportingCadence } from '../machines/reporting-cadence';
import { reportingSummary } from '../bulletins/reporting-status';
import { openDatabaseFromEnvironment } from '../persistence/database';
import { openDeploymentClock } from '../runtime/sandbox';
import type { Lang } from '../vocabulary/labels';
import { currentLang } from './lang';
import { CliError, say } from './messages';

async function withRuntime<T>(work: (runtime: Runtime) => Promise<T>): Promise<T> {
  const database = await openDatabaseFromEnvironment();
  try {
    // On a drill database (演练) reports are recorded at its sandbox clock, never at the wall clock.
    const { clock } = await openDeploymentClock(database, { sandbox: false });
    return await work(createRuntime(database, { schedulerName: `cli-reporting-${process.pid}`, clock }));
  } finally {
    await database.close();
  }
}

const WEEKDAYS_ZH = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** A cadence as a person reads it: 每月8日、18日、28日 18:00 / Mon, Wed 09:00 (CST). */
export function cadenceText(cadence: ReportingCadence, lang: Lang): string {
  if (cadence.kind === 'monthDays')
    return lang === 'zh'
      ? `每月${cadence.days.map((d) => `${d}日`).join('、')} ${cadence.time}`
      : `on day ${cadence.days.join(', ')} of each month at ${cadence.time} CST`;
  return lang === 'zh'
    ? `每${cadence.days.map((d) => WEEKDAYS_ZH[d]).join('、')} ${cadence.time}`
    : `every ${cadence.days.map((d) => WEEKDAYS_EN[d]).join(', ')} at ${cadence.time} CST`;
}

function numbers(text: string, option: string, lang: Lang): number[] {
  const values = text
    .split(/[,，、\s]+/)
    .filter(Boolean)
    .map(Number);
  if (values.length === 0 || values.some((v) => !Number.isInteger(v)))
    throw new CliError(say(lang, 'notANumber', { option, value: text }));
  return values;
}

interface SetFlags {
  campaign: string;
  units: string;
  by: string;
  preset?: string;
  monthDays?: string;
  weekdays?: string;
  time?: string;
  until?: string;
}

/** The cadence the flags ask for; none given: the seed cadence of the campaign's template. */
function cadenceOf(flags: SetFlags, template: string | null | undefined, lang: Lang): ReportingCadence {
  if (flags.preset !== undefined) {
    const preset = CADENCE_PRESETS[flags.preset];
    if (!preset)
      throw new CliError(
        say(lang, 'reportingBadPreset', {
          preset: flags.preset,
          presets: Object.keys(CADENCE_PRESETS).join(', '),
        }),
      );
    return { ...preset, ...(flags.time ? { time: flags.time } : {}) };
  }
  if (flags.monthDays !== undefined)
    return {
      kind: 'monthDays',
      days: numbers(flags.monthDays, '--month-days', lang),
      time: flags.time ?? '18:00',
    };
  if (flags.weekdays !== undefined)
    return {
      kind: 'weekdays',
      days: numbers(flags.weekdays, '--weekdays', lang),
      time: flags.time ?? '09:00',
    };
  const seeded = seedCadenceOf(template);
  if (!seeded) throw new CliError(say(lang, 'reportingCadenceMissing', { template: template ?? '—' }));
  return seeded;
}

async function actorOf(runtime: Runtime, userId: string, lang: Lang): Promise<Actor> {
  const user = await runtime.directory.findUser(userId);
  if (!user) throw new CliError(say(lang, 'noSuchUser', { option: '--by', userId }));
  return { userId: user.id, unitId: user.unitId };
}

async function campaignOf(runtime: Runtime, campaignId: string, lang: Lang) {
  const stream = await runtime.store.loadStream(campaignId);
  if (!stream || stream.streamType !== 'campaign')
    throw new CliError(say(lang, 'noSuchCampaign', { campaignId }));
  return stream;
}

/** `zhengzhi reporting set|submit|status`: reporting cadences and reports (issue 10 point 5). */
export function registerReportingCommands(program: Command): void {
  const reporting = program
    .command('reporting')
    .description('报送: reporting cadences, reports and missed reports (漏报) of a campaign');

  reporting
    .command('set')
    .description(
      'set who reports and when (default: the template’s seed cadence — 江源 8/18/28 18:00, 湛江 周一周三 09:00)',
    )
    .requiredOption('--campaign <id>', 'campaign stream id')
    .requiredOption('--units <ids>', 'the units that must report, comma-separated')
    .requiredOption('--by <userId>', 'the supervisor setting it')
    .option('--preset <name>', `a seed cadence: ${Object.keys(CADENCE_PRESETS).join(', ')}`)
    .option('--month-days <days>', 'days of the month, e.g. 8,18,28')
    .option('--weekdays <days>', 'weekdays 0 (Sunday) to 6, e.g. 1,3')
    .option('--time <HH:MM>', 'time of day, China Standard Time')
    .option('--until <instant>', 'the last instant a report can fall due (default: as long as the campaign)')
    .action((flags: SetFlags) =>
      withRuntime(async (runtime) => {
        const lang = currentLang();
        const campaign = await campaignOf(runtime, flags.campaign, lang);
        const context = campaign.snapshot.context as CampaignContext;
        const cadence = cadenceOf(flags, context.template, lang);
        const unitIds = flags.units.split(/[,，、\s]+/).filter(Boolean);
        if (flags.until !== undefined && Number.isNaN(Date.parse(flags.until)))
          throw new CliError(say(lang, 'notADate', { option: '--until', value: flags.until }));
        const until = flags.until === undefined ? {} : { until: new Date(flags.until).toISOString() };
        const result = await runtime.engine.execute(
          flags.campaign,
          { type: 'SET_REPORTING', cadence, unitIds, ...until },
          await actorOf(runtime, flags.by, lang),
        );
        const set = (result.snapshot.context as CampaignContext).reporting!;
        console.log(
          say(lang, 'reportingSet', {
            campaignId: flags.campaign,
            cadence: cadenceText(cadence, lang),
            units: unitIds.join(lang === 'zh' ? '、' : ', '),
            next: nextDueOf(set, set.since) ?? '—',
          }),
        );
      }),
    );

  reporting
    .command('submit')
    .description('record a unit’s report for a due instant (default: the next one)')
    .requiredOption('--campaign <id>', 'campaign stream id')
    .requiredOption('--unit <id>', 'the reporting unit')
    .requiredOption('--by <userId>', 'the officer submitting it')
    .option('--due <instant>', 'the due instant reported for (ISO; default: the next due instant)')
    .action((flags: { campaign: string; unit: string; by: string; due?: string }) =>
      withRuntime(async (runtime) => {
        const lang = currentLang();
        const campaign = await campaignOf(runtime, flags.campaign, lang);
        const context = campaign.snapshot.context as CampaignContext;
        if (!context.reporting)
          throw new CliError(say(lang, 'reportingNone', { campaignId: flags.campaign }));
        const now = runtime.clock.now().toISOString();
        if (flags.due && Number.isNaN(Date.parse(flags.due)))
          throw new CliError(say(lang, 'notADate', { option: '--due', value: flags.due }));
        const dueAt = flags.due
          ? new Date(Date.parse(flags.due)).toISOString()
          : nextDueOf(context.reporting, context.reportDues.at(-1) ?? context.reporting.since);
        if (dueAt === null)
          throw new CliError(
            say(lang, 'reportingEnded', { campaignId: flags.campaign, until: context.reporting.until ?? '' }),
          );
        await runtime.engine.execute(
          flags.campaign,
          { type: 'SUBMIT_REPORT', unitId: flags.unit, dueAt },
          await actorOf(runtime, flags.by, lang),
        );
        console.log(
          say(lang, 'reportSubmitted', { campaignId: flags.campaign, unitId: flags.unit, dueAt, at: now }),
        );
      }),
    );

  reporting
    .command('status')
    .description(
      'the cadence, the next due instant and each unit’s missed reports (漏报) with their due instants',
    )
    .requiredOption('--campaign <id>', 'campaign stream id')
    .option('--json', 'print JSON')
    .action((flags: { campaign: string; json?: boolean }) =>
      withRuntime(async (runtime) => {
        const lang = currentLang();
        const campaign = await campaignOf(runtime, flags.campaign, lang);
        const context = campaign.snapshot.context as CampaignContext;
        const names = new Map<string, string>();
        for (const unitId of context.reporting?.unitIds ?? [])
          names.set(unitId, (await runtime.directory.findUnit(unitId))?.name ?? '');
        const summary = reportingSummary(flags.campaign, context, (id) => names.get(id) ?? '');
        if (!summary) {
          if (flags.json) return console.log(JSON.stringify({ campaignId: flags.campaign, reporting: null }));
          return console.log(say(lang, 'reportingNone', { campaignId: flags.campaign }));
        }
        if (flags.json) return console.log(JSON.stringify(summary, null, 2));
        console.log(
          say(lang, 'reportingHeader', {
            campaignId: flags.campaign,
            cadence: cadenceText(summary.cadence, lang),
            since: summary.since,
            next: summary.nextDue ?? say(lang, 'cadenceEndedAt', { until: summary.until ?? '' }),
          }),
        );
        for (const u of summary.units)
          console.log(say(lang, 'reportingUnitLine', { ...u, dues: u.missedDues.join(', ') }));
      }),
    );
}
