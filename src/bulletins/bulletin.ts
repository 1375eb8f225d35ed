import type { Runtime } from '../runtime/runtime';
import { phaseRank } from '../machines/campaign-guards';
import { reportingStatus, type ReportingDue } from './reporting-status';
import {
  FIGURE_KEYS,
  campaignTree,
  groupedFigures,
  laterCorrections,
  periodOf,
  queryOf,
  type BulletinPeriod,
  type CampaignNode,
  type FigureRow,
  type Figures,
} from './bulletin-query';
import {
  escalationsByMeasure,
  lookBackFigures,
  typicalCases,
  type LookBackFigures,
  type EscalationFigures,
  type TypicalCase,
} from './bulletin-cases';

/** A campaign of the tree in the table of lower-level campaigns. */
export interface CampaignRow extends FigureRow {
  depth: number;
  parentCampaignId: string | null;
  /** Its phase or finished. */
  state: string;
  /** It is behind its parent's phase (滞后). */
  lagging: boolean;
  own: { current: Figures; previous: Figures };
}

/** Everything a 工作简报 reports for one campaign (with its sub-campaigns) and one period. */
export interface Bulletin {
  campaign: CampaignNode;
  /** The campaigns whose figures roll up into this bulletin (the campaign first). */
  campaigns: CampaignNode[];
  issue: string | null;
  period: BulletinPeriod;
  generatedAt: string;
  totals: FigureRow;
  byCategory: FigureRow[];
  byUnit: FigureRow[];
  /**
   * One row per campaign of the tree, when there are sub-campaigns (upward reporting), parents before their
   * children: the figures are the campaign's subtotal (its own items and every sub-campaign's, 小计, equal to
   * its own bulletin for this reader), `own` its own items alone.
   */
  byCampaign: CampaignRow[];
  escalations: EscalationFigures[];
  /** 回头看 and 反弹: look-backs started, passed and rebounded in the period and to date. */
  lookBacks: LookBackFigures;
  /** 报送情况: for each due instant of each campaign's cadence in the period, who reported and who did not. */
  reporting: ReportingDue[];
  /** Corrections approved after the period end of events on record by then (the figures stay as recorded). */
  laterCorrections: number;
  cases: {
    positive: Array<TypicalCase & { categoryLabel: string; unitName: string }>;
    negative: Array<TypicalCase & { categoryLabel: string; unitName: string }>;
  };
}

export interface BulletinOptions {
  campaignId: string;
  /** Period start and end (instants); the previous period is as long and ends at `from`. */
  from: string;
  to: string;
  /** e.g. 2023年第8期 */
  issue?: string;
  /**
   * The reader's unit path: every figure, table, escalation and case counts only items (and escalations)
   * of units at or below it, so no aggregate shows what its reader may not read. Default: everything
   * (the CLI, run by the operator).
   */
  scopeUnitPath?: string;
}

const PHASE_LABELS: Record<string, string> = {
  mobilize: '动员部署',
  identify: '查摆问题',
  rectify: '集中整治',
  summarize: '总结',
  consolidate: '巩固提升',
  finished: '已结束',
};

function sum(a: Figures, b: Figures): Figures {
  const out = { ...a };
  for (const key of FIGURE_KEYS) out[key] += b[key];
  return out;
}

/**
 * The tree's rows in reading order (each campaign followed by its sub-campaigns), each with its subtotal
 * (小计: own items plus every descendant's) and its own figures, flagged when behind its parent's phase.
 */
function campaignRows(
  tree: CampaignNode[],
  own: Map<string, { current: Figures; previous: Figures }>,
): CampaignRow[] {
  const children = new Map<string, CampaignNode[]>();
  for (const node of tree.slice(1))
    children.set(node.parentCampaignId!, [...(children.get(node.parentCampaignId!) ?? []), node]);
  const stateOf = new Map(tree.map((n) => [n.campaignId, n.state]));
  const rows: CampaignRow[] = [];
  const visit = (node: CampaignNode): { current: Figures; previous: Figures } => {
    const mine = own.get(node.campaignId) ?? { current: zero, previous: zero };
    const row: CampaignRow = {
      key: node.campaignId,
      label: '',
      depth: node.depth,
      parentCampaignId: node.parentCampaignId,
      state: node.state,
      lagging:
        node.depth > 0 &&
        phaseRank(node.state) < phaseRank(stateOf.get(node.parentCampaignId!) ?? node.state),
      own: mine,
      current: mine.current,
      previous: mine.previous,
    };
    rows.push(row);
    let total = mine;
    for (const child of children.get(node.campaignId) ?? []) {
      const sub = visit(child);
      total = { current: sum(total.current, sub.current), previous: sum(total.previous, sub.previous) };
    }
    const hasChildren = (children.get(node.campaignId) ?? []).length > 0;
    row.current = total.current;
    row.previous = total.previous;
    row.label = `${'　'.repeat(node.depth)}${node.name}（${node.unitName}${hasChildren ? '，含下级' : ''}）· ${
      PHASE_LABELS[node.state] ?? node.state
    }${row.lagging ? ' · 滞后' : ''}`;
    return total;
  };
  visit(tree[0]!);
  return rows;
}

const zero: Figures = {
  clues: 0,
  verifying: 0,
  confirmed: 0,
  dismissed: 0,
  transferred: 0,
  rectifying: 0,
  closed: 0,
  overdue: 0,
};

/**
 * Builds a bulletin: figures by SQL aggregation over the campaign tree (see bulletin-query.ts for the
 * as-of definition), escalations by measure and typical cases. Sub-campaigns (parentCampaignId) roll up.
 */
export async function buildBulletin(
  runtime: Pick<Runtime, 'store' | 'clock'>,
  options: BulletinOptions,
): Promise<Bulletin> {
  const query = queryOf(runtime);
  const period = periodOf(options.from, options.to);
  const scope = options.scopeUnitPath ?? '';
  const tree = (await campaignTree(query, options.campaignId)).filter(
    (node, index) => index === 0 || node.unitPath.startsWith(scope) || scope.startsWith(node.unitPath),
  );
  const [figures, escalations, cases, units, lookBacks, corrections] = await Promise.all([
    groupedFigures(query, tree, period, scope),
    escalationsByMeasure(query, tree, period, scope),
    typicalCases(query, tree, period, scope),
    query<{ id: string; name: string; path: string }>(
      'SELECT id, name, path FROM units WHERE starts_with(path, $1)',
      [scope],
    ),
    lookBackFigures(query, tree, period, scope),
    laterCorrections(query, tree, period, scope),
  ]);
  const campaign = tree[0]!;
  const labels = new Map<string, string>();
  for (const node of tree)
    for (const category of node.categories)
      if (!labels.has(category.code)) labels.set(category.code, category.label);
  const unitById = new Map(units.map((u) => [u.id, u]));
  const unitName = (id: string) => (id === '' ? campaign.unitName : (unitById.get(id)?.name ?? id));
  const categoryOrder = [...labels.keys()];
  const byCategory = [...figures.byCategory.entries()]
    .sort(
      ([a], [b]) =>
        (categoryOrder.indexOf(a) + 1 || 999) - (categoryOrder.indexOf(b) + 1 || 999) || a.localeCompare(b),
    )
    .map(([code, pair]) => ({ key: code, label: labels.get(code) ?? code, ...pair }));
  const byUnit = [...figures.byBranch.entries()]
    .sort(([a], [b]) =>
      a === '' ? -1 : b === '' ? 1 : (unitById.get(a)?.path ?? a).localeCompare(unitById.get(b)?.path ?? b),
    )
    .map(([id, pair]) => ({
      key: id || campaign.unitId,
      label: id === '' ? `${campaign.unitName}（本级）` : unitName(id),
      ...pair,
    }));
  const byCampaign = tree.length > 1 ? campaignRows(tree, figures.byCampaign) : [];
  const decorate = (c: TypicalCase) => ({
    ...c,
    categoryLabel: c.category ? (labels.get(c.category) ?? c.category) : '—',
    unitName: unitById.get(c.unitId)?.name ?? c.unitId,
  });
  return {
    campaign,
    campaigns: tree,
    issue: options.issue ?? null,
    period,
    generatedAt: runtime.clock.now().toISOString(),
    totals: { key: 'total', label: '合计', ...figures.total },
    byCategory,
    byUnit,
    byCampaign,
    escalations,
    lookBacks,
    reporting: tree.flatMap((node) =>
      reportingStatus(node.campaignId, node.reporting, period, (id) => unitById.get(id)?.name ?? null),
    ),
    laterCorrections: corrections,
    cases: { positive: cases.positive.map(decorate), negative: cases.negative.map(decorate) },
  };
}
