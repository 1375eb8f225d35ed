/**
 * Reporting cadences from the seeds: Jiangyuan reports on the 8th, 18th and 28th of each month (seed 003);
 * Zhanjiang every Monday and Wednesday before 09:00 (seed 000). Times are China Standard Time (UTC+8).
 * A missed report is itself an escalation trigger (躺平式 units), so the scheduler fires each due instant.
 */
export type ReportingCadence =
  { kind: 'monthDays'; days: number[]; time: string } | { kind: 'weekdays'; days: number[]; time: string };

export const CADENCE_PRESETS: Record<string, ReportingCadence> = {
  /** 江源: 每月 8 日、18 日、28 日报送. */
  jiangyuan: { kind: 'monthDays', days: [8, 18, 28], time: '18:00' },
  /** 湛江: 每周一、周三 9:00 前报送. */
  zhanjiang: { kind: 'weekdays', days: [1, 3], time: '09:00' },
};

const CST_OFFSET_MS = 8 * 3_600_000;
const DAY = 86_400_000;

/** Why a cadence is unusable, or null. */
export function cadenceProblem(cadence: unknown): string | null {
  const c = cadence as ReportingCadence;
  if (!c || (c.kind !== 'monthDays' && c.kind !== 'weekdays'))
    return 'cadence.kind must be monthDays or weekdays';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(c.time ?? ''))
    return 'cadence.time must be HH:MM (China Standard Time)';
  const [min, max] = c.kind === 'monthDays' ? [1, 28] : [0, 6];
  if (
    !Array.isArray(c.days) ||
    c.days.length === 0 ||
    c.days.some((d) => !Number.isInteger(d) || d < min || d > max)
  ) {
    return c.kind === 'monthDays'
      ? 'cadence.days must be days of the month between 1 and 28'
      : 'cadence.days must be weekdays 0 (Sunday) to 6';
  }
  return null;
}

/** The first due instant strictly after `after` (ISO, UTC). Pure. */
export function nextReportDue(cadence: ReportingCadence, after: string): string {
  const [hours, minutes] = cadence.time.split(':').map(Number) as [number, number];
  const afterMs = Date.parse(after);
  // Walk local (CST) calendar days from the day of `after`; at most ~62 days for month days.
  const localStart = new Date(afterMs + CST_OFFSET_MS);
  const startDay = Date.UTC(localStart.getUTCFullYear(), localStart.getUTCMonth(), localStart.getUTCDate());
  for (let i = 0; i < 70; i++) {
    const local = new Date(startDay + i * DAY);
    const matches =
      cadence.kind === 'monthDays'
        ? cadence.days.includes(local.getUTCDate())
        : cadence.days.includes(local.getUTCDay());
    if (!matches) continue;
    const due = startDay + i * DAY + (hours * 60 + minutes) * 60_000 - CST_OFFSET_MS;
    if (due > afterMs) return new Date(due).toISOString();
  }
  throw new Error('no due instant within 70 days; the cadence is invalid');
}

/**
 * The next due instant of a campaign's cadence after `after`, or null once the cadence has ended (`until`:
 * the reports of a campaign stop with it — Xining's progress reports end with the 集中整治 phase). Pure.
 */
export function nextDueOf(
  reporting: { cadence: ReportingCadence; until?: string | null },
  after: string,
): string | null {
  const due = nextReportDue(reporting.cadence, after);
  return reporting.until && Date.parse(due) > Date.parse(reporting.until) ? null : due;
}

/** What a campaign's context records about reporting (the fields `missedReportDues` reads). */
export interface ReportingLog {
  reportDues: readonly string[];
  reports: ReadonlyArray<{ unitId: string; dueAt: string; at: string }>;
}

/**
 * The due instants a unit missed (漏报): every due instant fired so far for which it has no report naming
 * it, made by then — the same reading as REPORT_DUE's count in the campaign machine. Oldest first. Pure.
 */
export function missedReportDues(log: ReportingLog, unitId: string): string[] {
  return log.reportDues.filter(
    (dueAt) =>
      !log.reports.some(
        (r) => r.unitId === unitId && r.dueAt === dueAt && Date.parse(r.at) <= Date.parse(dueAt),
      ),
  );
}
