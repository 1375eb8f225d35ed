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
 * The one way lists are paged (items, escalations, campaigns, users, the worklist): the page's keys are chosen
 * on the filter's columns alone and only those rows are read in full; the total is counted over the same
 * filter in a second statement, so it is right even for an offset past the end. Limit and offset are bound
 * parameters.
 */
export async function readPage<R = Record<string, unknown>>(
  query: QueryExecutor,
  list: PagedQuery,
  window: PageWindow,
): Promise<PagedRows<R>> {
  const n = list.parameters.length;
  const [rows, counted] = await Promise.all([
    query<R>(
      `WITH page AS (${list.keys} ORDER BY ${list.orderBy} LIMIT $${n + 1} OFFSET $${n + 2}) ${list.rows}`,
      [...list.parameters, window.limit, window.offset],
    ),
    query<{ n: string | number }>(`SELECT count(*) AS n FROM (${list.keys}) matching`, [...list.parameters]),
  ]);
  return { rows, total: Number(counted[0]?.n ?? 0) };
}
