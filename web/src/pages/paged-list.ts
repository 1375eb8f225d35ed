import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { TablePaginationConfig } from 'antd';
import { useSearchParams } from 'react-router';
import { get, qs, type Page } from '../api';

/** Rows a page shows; the server pages every list the same way (`?limit=&offset=` → `{items, total}`). */
export const PAGE_SIZE = 50;

/**
 * A server-paged list whose filters and page live in the URL (so a filtered page can be linked and the back
 * button works): reads `keys` from the query string, fetches `path` for the current page, and gives the
 * filter setter (which returns to page 1) and the table's pagination.
 */
export function usePagedList<Row>(path: string, keys: readonly string[]) {
  const [params, setParams] = useSearchParams();
  const page = Number(params.get('page') ?? 1);
  const filters = Object.fromEntries(keys.map((key) => [key, params.get(key) ?? undefined])) as Record<
    string,
    string | undefined
  >;
  const list = useQuery({
    // The first key part is the list's name (items, escalations, worklist): live updates invalidate by it.
    queryKey: [path.replace(/^\//, ''), filters, page],
    queryFn: ({ signal }) =>
      get<Page<Row>>(
        `${path}${qs({ ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })}`,
        signal,
      ),
    placeholderData: keepPreviousData,
  });
  const setFilter = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete('page');
    setParams(next);
  };
  const pagination = (showTotal?: (total: number) => string): TablePaginationConfig => ({
    current: page,
    pageSize: PAGE_SIZE,
    total: list.data?.total ?? 0,
    showSizeChanger: false,
    showTotal,
    onChange: (next) => {
      const p = new URLSearchParams(params);
      p.set('page', String(next));
      setParams(p);
    },
  });
  return { list, filters, setFilter, pagination };
}
