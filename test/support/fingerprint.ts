/** Anything that runs SQL: a TypeORM DataSource or an event-store transaction. */
interface Queryable {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
}

/**
 * Row counts and digests of everything a change could write — the event log (its hash chain), the stream
 * heads, the timers, the published rule sets, rule failures and notifications: a dry run changes none of them
 * (deadline changes, rule-set publication).
 */
export async function databaseFingerprint(db: Queryable): Promise<unknown> {
  return db.query(
    `SELECT (SELECT count(*) FROM events)::int AS events, (SELECT count(*) FROM streams)::int AS streams,
            (SELECT md5(string_agg(hash, ',' ORDER BY global_position)) FROM events) AS chain,
            (SELECT count(*) FROM scheduled_jobs)::int AS jobs,
            (SELECT md5(string_agg(id || status || due_at::text, ',' ORDER BY id)) FROM scheduled_jobs) AS job_digest,
            (SELECT md5(string_agg(stream_id || version || overdue::text || last_hash, ',' ORDER BY stream_id)) FROM streams) AS heads,
            (SELECT count(*) FROM rule_sets)::int AS rule_sets,
            (SELECT md5(string_agg(campaign_id || version || source_sha256, ',' ORDER BY campaign_id, version)) FROM rule_sets) AS rule_set_digest,
            (SELECT count(*) FROM rule_failures)::int AS rule_failures,
            (SELECT count(*) FROM notifications)::int AS notifications`,
  );
}
