import type { QueryExecutor } from './refresh-tokens';

/** A page request as every list route takes it (`?limit=&offset=`, validated by PageQueryDto). */
export interface PageWindow {
  limit: number;
  offset: number;
}

/** What a paged read gives back: the rows of the page and how many match in all. */
export interface PagedRows<R> {
  rows: R[];
  total: number;
}

/** A list query in the shape `readPage` pages. */
export interface PagedQuery {
  /**
   * `SELECT <key columns> FROM … WHERE …` choosing the matching rows on projection columns alone (no ORDER
   * BY): the page is picked from it and the total counted over it.
   */
  keys: string;
  /** The order of the list, over the key query's columns; it must end in a unique column (a stable order). */
  orderBy: string;
  /** The page's rows: a SELECT over `page` (the chosen keys, in order) joined to whatever it shows. */
  rows: string;
  parameters: readonly unknown[];
}

/**
 * The one way lists are paged (items, escalations, campaigns, users, the worklist, the inbox, deliveries): the
 * page's keys are chosen on the filter's columns alone, each carrying the number of matching rows (a window
 * count over the filter, computed before LIMIT — one scan of the filter gives both), and only the page's rows
 * are read in full. A page past the end has no row to carry the total, so only then is it counted apart.
 * Limit and offset are bound parameters.
 */
export async function readPage<R = Record<string, unknown>>(
  query: QueryExecutor,
  list: PagedQuery,
  window: PageWindow,
): Promise<PagedRows<R>> {
  const n = list.parameters.length;
  if (!/^\s*SELECT\s/i.test(list.rows)) throw new Error('readPage: the rows query must start with SELECT');
  const rows = await query<R & { page_total?: string | number }>(
    `WITH page AS (
       SELECT matching.*, count(*) OVER () AS page_total FROM (${list.keys}) matching
        ORDER BY ${list.orderBy} LIMIT $${n + 1} OFFSET $${n + 2})
     ${list.rows.replace(/^\s*SELECT\s/i, 'SELECT page.page_total, ')}`,
    [...list.parameters, window.limit, window.offset],
  );
  if (rows.length > 0) {
    const total = Number(rows[0]!.page_total);
    return { rows: rows.map(({ page_total: _total, ...row }) => row as R), total };
  }
  if (window.offset === 0) return { rows: [], total: 0 };
  const counted = await query<{ n: string | number }>(`SELECT count(*) AS n FROM (${list.keys}) matching`, [
    ...list.parameters,
  ]);
  return { rows: [], total: Number(counted[0]?.n ?? 0) };
}
