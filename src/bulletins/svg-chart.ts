/** One bar group of a chart: a label and one value per series. */
export interface ChartRow {
  label: string;
  values: number[];
}

export interface ChartSeries {
  name: string;
  color: string;
}

/** Escapes text for HTML and SVG. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/**
 * A horizontal grouped bar chart as inline SVG (no script, no external resource, so it prints in the PDF):
 * one group per row, one bar per series, the value written at the end of each bar, a legend on top.
 */
export function barChart(title: string, rows: ChartRow[], series: ChartSeries[], width = 680): string {
  const labelWidth = 170;
  const barHeight = 12;
  const gap = 10;
  const top = 46;
  const plotWidth = width - labelWidth - 60;
  const groupHeight = series.length * barHeight + gap;
  const height = top + rows.length * groupHeight + 10;
  const max = Math.max(1, ...rows.flatMap((r) => r.values));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(title)}">`,
    `<text x="0" y="16" font-size="14" font-weight="bold">${escapeHtml(title)}</text>`,
  ];
  series.forEach((s, i) => {
    const x = labelWidth + i * 110;
    parts.push(
      `<rect x="${x}" y="26" width="12" height="12" fill="${s.color}"/>`,
      `<text x="${x + 16}" y="36" font-size="12">${escapeHtml(s.name)}</text>`,
    );
  });
  rows.forEach((row, r) => {
    const y = top + r * groupHeight;
    parts.push(
      `<text x="${labelWidth - 6}" y="${y + (series.length * barHeight) / 2 + 4}" font-size="12" text-anchor="end">${escapeHtml(row.label)}</text>`,
    );
    row.values.forEach((value, i) => {
      const w = Math.round((value / max) * plotWidth);
      const by = y + i * barHeight;
      parts.push(
        `<rect x="${labelWidth}" y="${by}" width="${w}" height="${barHeight - 2}" fill="${series[i]!.color}"/>`,
        `<text x="${labelWidth + w + 4}" y="${by + barHeight - 3}" font-size="10">${value}</text>`,
      );
    });
  });
  parts.push('</svg>');
  return parts.join('');
}
