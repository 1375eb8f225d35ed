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

export interface UnitRow {
  id: string;
  name: string;
  path?: string;
}

/** Units of the caller's subtree (for unit fields in forms). */
export function useUnits() {
  return useQuery({
    queryKey: ['units'],
    queryFn: async ({ signal }) => (await get<Page<UnitRow>>('/units', signal)).items,
    staleTime: 300_000,
  });
}

export interface UserRow {
  id: string;
  username: string;
  displayName?: string;
  role: string;
  unitId: string;
}

/** Users of the caller's subtree (for officer / person fields in forms). */
export function useUsers(enabled = true) {
  return useQuery({
    queryKey: ['users'],
    enabled,
    queryFn: async ({ signal }) => (await get<Page<UserRow>>('/users?limit=200', signal)).items,
    staleTime: 300_000,
  });
}

/** A campaign's categories (code + label) from its context. */
export function useCampaignCategories(campaignId: string | undefined) {
  return useQuery({
    queryKey: ['campaign', campaignId, 'categories'],
    enabled: campaignId !== undefined,
    staleTime: 60_000,
    queryFn: async ({ signal }) => {
      const campaign = await get<{ context: { categories?: { code: string; label: string }[] } }>(
        `/campaigns/${encodeURIComponent(campaignId!)}`,
        signal,
      );
      return campaign.context.categories ?? [];
    },
  });
}
