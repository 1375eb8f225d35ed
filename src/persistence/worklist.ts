import { streamOverdueSql } from './overdue';
import type { QueryExecutor } from './database';
import { readPage } from './paging';

/** What a worklist page is chosen by. Patterns are `LIKE` patterns over `streams.unit_path`. */
export interface WorklistFilter {
  /** The caller's subtree. */
  subtreePattern: string;
  /** States that wait for the caller's role. */
  states: readonly string[];
  /** Also items in `principalState` whose handling unit is this unit (a principal leader's sign-offs). */
  principal?: { state: string; unitId: string };
  campaignId?: string;
  state?: string;
  /** A unit's subtree inside the caller's. */
  unitPattern?: string;
  /** Searched (case-insensitive substring) in the id, the title and the clue's description. */
  search?: string;
  /** The request instant and the "due soon" horizon (ISO). */
  now: string;
  soon: string;
  limit: number;
  offset: number;
}

export interface WorklistRow {
  id: string;
  title: string;
  description: string;
  state: string;
  campaignId: string | null;
  unitId: string;
  unitName: string | null;
  category: string | null;
  deadline: string | null;
  overdue: boolean;
  dueSoon: boolean;
  version: number;
}

const TITLE = `COALESCE(s.snapshot #>> '{context,ledger,manifestation}', s.snapshot #>> '{context,clue,description}')`;
const HANDLING_UNIT = `COALESCE(s.snapshot #>> '{context,verification,unitId}', s.snapshot #>> '{context,reportedUnitId}')`;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function whereClause(filter: WorklistFilter): { sql: string; parameters: unknown[] } {
  const parameters: unknown[] = [filter.subtreePattern, filter.states];
  const add = (value: unknown) => `$${parameters.push(value)}`;
  let waiting = `s.state = ANY($2)`;
  if (filter.principal) {
    waiting = `(${waiting} OR (s.state = ${add(filter.principal.state)} AND ${HANDLING_UNIT} = ${add(filter.principal.unitId)}))`;
  }
  const where = [`s.stream_type = 'item'`, `s.unit_path LIKE $1`, waiting];
  if (filter.campaignId !== undefined) where.push(`s.campaign_id = ${add(filter.campaignId)}`);
  if (filter.state !== undefined) where.push(`s.state = ${add(filter.state)}`);
  if (filter.unitPattern !== undefined) where.push(`s.unit_path LIKE ${add(filter.unitPattern)}`);
  if (filter.search !== undefined) {
    const pattern = add(`%${escapeLike(filter.search)}%`);
    where.push(
      `(s.stream_id ILIKE ${pattern} OR ${TITLE} ILIKE ${pattern} OR s.snapshot #>> '{context,clue,description}' ILIKE ${pattern})`,
    );
  }
  return { sql: where.join(' AND '), parameters };
}

/**
 * One page of the worklist, ordered by deadline (soonest first, items without one last), then id; and the
 * number of matching items. Overdue and due-soon are computed against the request instant, not read from
 * the scheduler's flags, so the list is right even between scheduler runs.
 */
export async function queryWorklist(
  query: QueryExecutor,
  filter: WorklistFilter,
): Promise<{ rows: WorklistRow[]; total: number }> {
  const { sql, parameters } = whereClause(filter);
  const n = parameters.length;
  // $n+1, $n+2: the instant and the due-soon horizon, typed in the keys so the count statement binds them too
  const { rows, total } = await readPage(
    query,
    {
      keys: `SELECT s.stream_id, s.deadline FROM streams s
              WHERE ${sql} AND $${n + 1}::timestamptz IS NOT NULL AND $${n + 2}::timestamptz IS NOT NULL`,
      orderBy: 'deadline ASC NULLS LAST, stream_id',
      rows: `SELECT s.stream_id, s.state, s.version, s.campaign_id, s.unit_id, u.name AS unit_name, s.category, s.deadline,
                    ${TITLE} AS title, s.snapshot #>> '{context,clue,description}' AS description,
                    ${streamOverdueSql('s', `$${n + 1}`)} AS overdue,
                    (s.deadline IS NOT NULL AND s.deadline >= $${n + 1} AND s.deadline <= $${n + 2}) AS due_soon
               FROM page JOIN streams s USING (stream_id) LEFT JOIN units u ON u.id = s.unit_id
              ORDER BY s.deadline ASC NULLS LAST, s.stream_id`,
      parameters: [...parameters, filter.now, filter.soon],
    },
    filter,
  );
  return {
    rows: rows.map((r) => ({
      id: String(r.stream_id),
      title: String(r.title ?? ''),
      description: String(r.description ?? ''),
      state: String(r.state),
      campaignId: (r.campaign_id as string | null) ?? null,
      unitId: String(r.unit_id),
      unitName: (r.unit_name as string | null) ?? null,
      category: (r.category as string | null) ?? null,
      deadline: r.deadline ? new Date(r.deadline as string).toISOString() : null,
      overdue: Boolean(r.overdue),
      dueSoon: Boolean(r.due_soon),
      version: Number(r.version),
    })),
    total,
  };
}
