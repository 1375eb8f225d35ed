import type { QueryExecutor } from './refresh-tokens';

/** How many streams of each machine version are in each state, within a unit subtree. */
export interface MachineStateCount {
  streamType: string;
  machineVersion: number;
  state: string;
  count: number;
}

/** Stream counts by type, machine version and state for the streams whose `unit_path` matches the pattern. */
export async function countStreamsByMachineState(
  query: QueryExecutor,
  unitPathPattern: string,
): Promise<MachineStateCount[]> {
  const rows = await query<Record<string, unknown>>(
    `SELECT stream_type, machine_version, state, count(*) AS n FROM streams
      WHERE unit_path LIKE $1 GROUP BY stream_type, machine_version, state`,
    [unitPathPattern],
  );
  return rows.map((r) => ({
    streamType: String(r.stream_type),
    machineVersion: Number(r.machine_version),
    state: String(r.state),
    count: Number(r.n),
  }));
}
