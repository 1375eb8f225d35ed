import { calendarDateOf, chineseDate } from '../ledgers/cells';
import type { Bulletin } from './bulletin';
import type { FigureRow, Figures } from './bulletin-query';
import { barChart, escapeHtml as e } from './svg-chart';

/** Chinese names of the figures, in the order tables print them. */
export const figureLabels: Record<keyof Figures, string> = {
  clues: '问题线索',
  verifying: '核查中',
  confirmed: '查实',
  dismissed: '查否',
  transferred: '移送',
  rectifying: '整改中',
  closed: '已销号',
  overdue: '逾期',
};

const day = (instant: string) => chineseDate(calendarDateOf(instant));

/** A change against the previous period: +3, -2 or 0. */
export function change(current: number, previous: number): string {
  const d = current - previous;
  return d > 0 ? `+${d}` : String(d);
}

function figureTable(rows: FigureRow[], keys: Array<keyof Figures>, head: string): string {
  const header = `<tr><th>${e(head)}</th>${keys.map((k) => `<th>${figureLabels[k]}</th>`).join('')}</tr>`;
  const body = rows
    .map(
      (row) =>
        `<tr><td class="label">${e(row.label)}</td>${keys
          .map(
            (k) =>
              `<td><span class="n">${row.current[k]}</span> <span class="d">(${change(row.current[k], row.previous[k])})</span></td>`,
          )
          .join('')}</tr>`,
    )
    .join('');
  return `<table><thead>${header}</thead><tbody>${body}</tbody></table><p class="note">括号内为较上期增减。</p>`;
}

function summary(b: Bulletin): string {
  const t = b.totals.current;
  const p = b.totals.previous;
  const c = (k: keyof Figures) => `<b>${t[k]}</b>条（较上期${change(t[k], p[k])}）`;
  return `<p>截至${day(b.period.to)}，${e(b.campaign.name)}${b.campaigns.length > 1 ? `（含${b.campaigns.length - 1}个下级专项行动）` : ''}共收集问题线索${c('clues')}；其中查实${c('confirmed')}，查否${c('dismissed')}，移送${c('transferred')}，仍在核查${c('verifying')}。查实问题中，整改中${c('rectifying')}，已整改销号${c('closed')}；逾期未办结${c('overdue')}。</p>`;
}

function totalsTable(b: Bulletin): string {
  const keys = Object.keys(figureLabels) as Array<keyof Figures>;
  const rows = keys
    .map(
      (k) =>
        `<tr><td class="label">${figureLabels[k]}</td><td>${b.totals.current[k]}</td><td>${b.totals.previous[k]}</td><td>${change(b.totals.current[k], b.totals.previous[k])}</td></tr>`,
    )
    .join('');
  return `<table class="totals"><thead><tr><th>指标</th><th>本期末</th><th>上期末</th><th>增减</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function escalationSection(b: Bulletin): string {
  if (b.escalations.length === 0) return '<p>本期未启动升级督办措施。</p>';
  const rows = b.escalations
    .map(
      (m) =>
        `<tr><td class="label">${e(m.label)}</td><td>${m.inPeriod}</td><td>${m.previousPeriod}</td><td>${m.toDate}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>措施</th><th>本期</th><th>上期</th><th>累计</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** 报送情况: one row per due instant, naming the units that reported late or not at all. */
function reportingSection(b: Bulletin): string {
  const names = (list: Array<{ unitName: string }>) => e(list.map((u) => u.unitName).join('、') || '—');
  const campaignName = new Map(b.campaigns.map((c) => [c.campaignId, c.name]));
  const rows = b.reporting
    .map(
      (d) =>
        `<tr><td>${e(campaignName.get(d.campaignId) ?? d.campaignId)}</td><td>${e(d.dueAt.slice(0, 10))}</td><td>${d.onTime.length}</td><td>${names(d.late)}</td><td>${names(d.missing)}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>专项行动</th><th>报送时点</th><th>按时报送</th><th>逾期报送</th><th>未报送</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function casesSection(b: Bulletin): string {
  const list = (
    cases: Bulletin['cases']['positive'],
    text: (c: Bulletin['cases']['positive'][number]) => string,
  ) =>
    cases.length === 0 ? '<p>本期无。</p>' : `<ol>${cases.map((c) => `<li>${text(c)}</li>`).join('')}</ol>`;
  const positive = list(
    b.cases.positive,
    (c) =>
      `${e(c.unitName)}：${e(c.description)}（${e(c.categoryLabel)}），自登记起${c.days}日内整改到位，于${day(c.at)}验收销号。`,
  );
  const negative = list(
    b.cases.negative,
    (c) =>
      `${e(c.unitName)}：${e(c.description)}（${e(c.categoryLabel)}），办理时限${day(c.at)}，截至期末已逾期${c.days}日${c.accountability ? `；问责情况：${e(c.accountability)}` : ''}。`,
  );
  return `<h3>（一）正面典型</h3>${positive}<h3>（二）反面典型</h3>${negative}<p class="note">正面典型：本期验收销号、从登记到销号用时最短的问题；反面典型：期末逾期时间最长的问题。</p>`;
}

const STYLE = `
  body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; margin: 0 auto; max-width: 760px; color: #111; font-size: 14px; line-height: 1.7; }
  .masthead { text-align: center; color: #c00; border-bottom: 3px solid #c00; padding-bottom: 8px; margin-bottom: 16px; }
  .masthead h1 { font-size: 26px; margin: 8px 0 4px; letter-spacing: 2px; }
  .masthead .issue { color: #111; font-size: 15px; }
  .meta { display: flex; justify-content: space-between; color: #111; font-size: 14px; margin-top: 6px; }
  h2 { font-size: 18px; font-family: "Noto Sans CJK SC", sans-serif; margin: 18px 0 6px; }
  h3 { font-size: 15px; margin: 10px 0 4px; }
  table { border-collapse: collapse; width: 100%; margin: 6px 0; font-size: 12px; }
  th, td { border: 1px solid #555; padding: 3px 5px; text-align: center; }
  th { background: #f2f2f2; }
  td.label { text-align: left; }
  .d { color: #666; font-size: 11px; }
  .note { color: #555; font-size: 11px; margin: 2px 0 8px; }
  svg { display: block; margin: 8px 0; }
  @media print { body { max-width: none; } h2 { break-after: avoid; } table, svg { break-inside: avoid; } }`;

/**
 * Renders a bulletin as one self-contained HTML page in the manner of the Sichuan 工作简报 (seed 004): a
 * red masthead with the issue and date, then numbered sections with tables and inline SVG charts.
 */
export function renderBulletinHtml(b: Bulletin): string {
  const categoryChart = barChart(
    '各类别问题查实与销号情况',
    b.byCategory.map((r) => ({
      label: r.label,
      values: [r.current.confirmed, r.current.closed, r.current.overdue],
    })),
    [
      { name: '查实', color: '#c0392b' },
      { name: '已销号', color: '#2e86c1' },
      { name: '逾期', color: '#e67e22' },
    ],
  );
  const unitChart = barChart(
    '各单位线索与整改情况',
    b.byUnit.map((r) => ({
      label: r.label,
      values: [r.current.clues, r.current.rectifying, r.current.closed],
    })),
    [
      { name: '问题线索', color: '#7f8c8d' },
      { name: '整改中', color: '#e67e22' },
      { name: '已销号', color: '#2e86c1' },
    ],
  );
  const lb = b.lookBacks;
  const lookBackLine =
    lb.toDate.started > 0
      ? `<p>回头看：本期开展${lb.inPeriod.started}件、通过${lb.inPeriod.passed}件、反弹${lb.inPeriod.rebounded}件；累计开展${lb.toDate.started}件、通过${lb.toDate.passed}件、反弹${lb.toDate.rebounded}件。</p>`
      : '';
  const sections: string[] = [
    `<h2>一、总体情况</h2>${summary(b)}${lookBackLine}${totalsTable(b)}`,
    `<h2>二、分类别情况</h2>${b.byCategory.length ? categoryChart + figureTable(b.byCategory, ['confirmed', 'rectifying', 'closed', 'overdue'], '问题类别') : '<p>尚无查实问题。</p>'}`,
    `<h2>三、分单位情况</h2>${b.byUnit.length ? unitChart + figureTable(b.byUnit, ['clues', 'confirmed', 'dismissed', 'transferred', 'rectifying', 'closed', 'overdue'], '单位') : '<p>尚无问题线索。</p>'}`,
  ];
  if (b.byCampaign.length > 0) {
    sections.push(
      `<h2>${'四'}、下级专项行动报送情况</h2>${figureTable(b.byCampaign, ['clues', 'confirmed', 'rectifying', 'closed', 'overdue'], '专项行动')}`,
    );
  }
  const numerals = ['一', '二', '三', '四', '五', '六', '七', '八'];
  if (b.reporting.length > 0)
    sections.push(`<h2>${numerals[sections.length]}、按时报送情况</h2>${reportingSection(b)}`);
  sections.push(`<h2>${numerals[sections.length]}、督办问责情况</h2>${escalationSection(b)}`);
  sections.push(`<h2>${numerals[sections.length]}、典型案例</h2>${casesSection(b)}`);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${e(b.campaign.name)} 工作简报</title><style>${STYLE}</style></head>
<body>
<div class="masthead"><h1>${e(b.campaign.name)}<br>工作简报</h1>
<div class="issue">${e(b.issue ?? `${day(b.period.from)}至${day(b.period.to)}`)}</div>
<div class="meta"><span>${e(b.campaign.unitName)}专项整治工作专班</span><span>${day(b.generatedAt)}</span></div></div>
<p class="note">统计期间：${day(b.period.from)}至${day(b.period.to)}；上期：${day(b.period.previousFrom)}至${day(b.period.previousTo)}。数字为期末存量（按事项发生时间统计），括号内为较上期末增减。</p>
${b.laterCorrections > 0 ? `<p class="note correction">本期末之后，有 ${b.laterCorrections} 项本期末已在案的记录经审批更正；本简报按本期末在案记录统计，更正情况见事项时间线。</p>` : ''}
${sections.join('\n')}
</body></html>`;
}
