import { useQuery } from '@tanstack/react-query';
import { get, type Page } from '../api';

export interface CampaignSummary {
  id: string;
  title?: string;
  state?: string;
  phase?: string;
  unitId?: string;
  version?: number;
  context?: Record<string, unknown>;
}

/** The campaigns the caller can read (their subtree and the line above). */
export function useCampaigns() {
  return useQuery({
    queryKey: ['campaigns'],
    queryFn: async ({ signal }) => {
      const answer = await get<Page<Record<string, unknown>> | Record<string, unknown>[]>(
        '/campaigns',
        signal,
      );
      const rows = Array.isArray(answer) ? answer : answer.items;
      return rows.map(toCampaign);
    },
    staleTime: 60_000,
  });
}

export function toCampaign(row: Record<string, unknown>): CampaignSummary {
  const context = (row.context ?? {}) as Record<string, unknown>;
  return {
    id: String(row.streamId ?? row.id),
    title: String(row.name ?? row.title ?? context.name ?? context.title ?? row.streamId ?? row.id),
    state: typeof row.state === 'string' ? row.state : undefined,
    phase: typeof row.phase === 'string' ? row.phase : typeof row.state === 'string' ? row.state : undefined,
    unitId: typeof row.unitId === 'string' ? row.unitId : undefined,
    version: typeof row.version === 'number' ? row.version : undefined,
    context,
  };
}
