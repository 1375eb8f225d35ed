import {
  missedReportDues,
  nextDueOf,
  type ReportingCadence,
  type ReportingLog,
} from '../machines/reporting-cadence';

/** What a campaign's context says about reporting (absent on campaigns without a cadence). */
export interface ReportingRecord {
  reporting: { cadence: ReportingCadence; unitIds: string[]; since: string; until?: string } | null;
  reports: Array<{ unitId: string; dueAt: string; at: string }>;
}

/** 报送情况 for one due instant of one campaign's cadence. */
export interface ReportingDue {
  campaignId: string;
  dueAt: string;
  /** Units that reported by the due instant. */
  onTime: Array<{ unitId: string; unitName: string }>;
  /** Units that reported after it (but by the bulletin's cut-off). */
  late: Array<{ unitId: string; unitName: string }>;
  /** Units that had not reported by the bulletin's cut-off (未报送). */
  missing: Array<{ unitId: string; unitName: string }>;
}

/** At most this many due instants per campaign and bulletin (a year of Zhanjiang's twice-weekly cadence). */
const MAX_DUES = 120;

/**
 * Which units reported for each due instant of the cadence that fell in the period (from, to], and which did
 * not — computed from the cadence itself, so a due instant counts even when no scheduler fired it. A report
 * recorded after `to` is not on record at the cut-off. Only units the reader may see are listed (`visible`).
 */
export function reportingStatus(
  campaignId: string,
  record: ReportingRecord,
  period: { from: string; to: string },
  visible: (unitId: string) => string | null,
): ReportingDue[] {
  if (!record.reporting) return [];
  const { unitIds, since } = record.reporting;
  const dues: ReportingDue[] = [];
  let cursor = Date.parse(since) > Date.parse(period.from) ? since : period.from;
  for (let i = 0; i < MAX_DUES; i++) {
    const dueAt = nextDueOf(record.reporting, cursor);
    if (dueAt === null || Date.parse(dueAt) > Date.parse(period.to)) break;
    cursor = dueAt;
    const due: ReportingDue = { campaignId, dueAt, onTime: [], late: [], missing: [] };
    for (const unitId of unitIds) {
      const unitName = visible(unitId);
      if (unitName === null) continue;
      const report = record.reports.find(
        (r) => r.unitId === unitId && r.dueAt === dueAt && Date.parse(r.at) <= Date.parse(period.to),
      );
      const list = !report ? due.missing : Date.parse(report.at) <= Date.parse(dueAt) ? due.onTime : due.late;
      list.push({ unitId, unitName });
    }
    dues.push(due);
  }
  return dues;
}

/** A campaign's reporting as `zhengzhi reporting status` and `GET /campaigns/:id/reporting` show it. */
export interface ReportingSummary {
  campaignId: string;
  cadence: ReportingCadence;
  since: string;
  until: string | null;
  /** Due instants fired so far (the scheduler's REPORT_DUE), oldest first. */
  dues: string[];
  /** The next due instant, or null once the cadence has ended. */
  nextDue: string | null;
  /** Each unit that must report, with the due instants it missed (漏报). */
  units: Array<{ unitId: string; unitName: string; missed: number; missedDues: string[] }>;
}

/** The reporting summary of a campaign's context, or null when it has no cadence. Pure. */
export function reportingSummary(
  campaignId: string,
  context: ReportingRecord & ReportingLog,
  unitName: (unitId: string) => string,
): ReportingSummary | null {
  const reporting = context.reporting;
  if (!reporting) return null;
  return {
    campaignId,
    cadence: reporting.cadence,
    since: reporting.since,
    until: reporting.until ?? null,
    dues: [...context.reportDues],
    nextDue: nextDueOf(reporting, context.reportDues.at(-1) ?? reporting.since),
    units: reporting.unitIds.map((unitId) => {
      const missedDues = missedReportDues(context, unitId);
      return { unitId, unitName: unitName(unitId), missed: missedDues.length, missedDues };
    }),
  };
}
