/** Bulk-loading generated event logs with COPY: the column lists and the text format both audit suites write. */

/** COPY text-format escaping. */
const esc = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');

export const STREAM_COLUMNS =
  'stream_id, stream_type, machine_version, version, state, snapshot, campaign_id, unit_id, unit_path, category, deadline, overdue, last_hash, created_at, updated_at';
export const EVENT_COLUMNS =
  'stream_id, sequence, type, payload, actor_id, unit_id, occurred_at, recorded_at, machine_version, body, prev_hash, hash';

/** Rows in COPY's text format. */
export function copyText(rows: unknown[][]): string {
  return (
    rows
      .map((row) =>
        row
          .map((v) => (v === null ? '\\N' : typeof v === 'boolean' ? (v ? 't' : 'f') : esc(String(v))))
          .join('\t'),
      )
      .join('\n') + '\n'
  );
}
