/**
 * The SQL of notifications (issue 14): the outbox rows written inside an event's transaction, the
 * dispatcher's leases, the inbox, preferences, templates and endpoints. Functions take a `QueryExecutor` so the
 * same statement runs inside the engine's transaction or on the pool.
 */
import { readPage, type PagedRows } from './paging';
import type { QueryExecutor } from './database';
import { streamOverdueSql } from './overdue';

export interface NotificationRow {
  id: string;
  kind: string;
  recipientId: string;
  streamId: string | null;
  eventPosition: number | null;
  dedupKey: string | null;
  subject: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
}

export interface NewDelivery {
  messageId: string;
  channel: 'email' | 'webhook' | 'amqp';
  /** The address (e-mail) or endpoint id (webhook, amqp). */
  target: string;
  recipientId: string | null;
  payload: Record<string, unknown>;
  nextAttemptAt: string;
  createdAt: string;
}

export interface DeliveryRow extends NewDelivery {
  id: number;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  leaseOwner: string | null;
  lastError: string | null;
  deliveredAt: string | null;
}

export interface EndpointRow {
  id: string;
  kind: 'webhook' | 'amqp';
  url: string;
  secret: string | null;
  exchange: string | null;
  topics: string[] | null;
  active: boolean;
  createdAt: string;
}

export interface PreferencesRow {
  userId: string;
  channels: string[];
  email: string | null;
  quietStart: number | null;
  quietEnd: number | null;
  digest: boolean;
}

const iso = (value: unknown): string =>
  value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString();
const isoOrNull = (value: unknown): string | null =>
  value === null || value === undefined ? null : iso(value);

/** Inserts notifications; a repeated dedup key (the same cause told twice) is skipped. Returns the ids kept. */
export async function insertNotifications(
  q: QueryExecutor,
  rows: readonly NotificationRow[],
): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const values: unknown[] = [];
  const tuples = rows.map((r, i) => {
    values.push(
      r.id,
      r.kind,
      r.recipientId,
      r.streamId,
      r.eventPosition,
      r.dedupKey,
      r.subject,
      r.body,
      r.data,
      r.createdAt,
    );
    const b = i * 10;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7}, $${b + 8}, $${b + 9}, $${b + 10})`;
  });
  const kept = await q<{ id: string }>(
    `INSERT INTO notifications (id, kind, recipient_id, stream_id, event_position, dedup_key, subject, body, data, created_at)
     VALUES ${tuples.join(', ')} ON CONFLICT (dedup_key) DO NOTHING RETURNING id`,
    values,
  );
  return new Set(kept.map((r) => r.id));
}

/** Inserts deliveries; the same message on the same channel and target is queued once. */
export async function insertDeliveries(q: QueryExecutor, rows: readonly NewDelivery[]): Promise<void> {
  if (rows.length === 0) return;
  const values: unknown[] = [];
  const tuples = rows.map((r, i) => {
    values.push(r.messageId, r.channel, r.target, r.recipientId, r.payload, r.nextAttemptAt, r.createdAt);
    const b = i * 7;
    return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}, $${b + 6}, $${b + 7})`;
  });
  await q(
    `INSERT INTO notification_deliveries (message_id, channel, target, recipient_id, payload, next_attempt_at, created_at)
     VALUES ${tuples.join(', ')} ON CONFLICT (message_id, channel, target) DO NOTHING`,
    values,
  );
}

function toEndpoint(r: Record<string, unknown>): EndpointRow {
  return {
    id: String(r.id),
    kind: r.kind as EndpointRow['kind'],
    url: String(r.url),
    secret: (r.secret as string | null) ?? null,
    exchange: (r.exchange as string | null) ?? null,
    topics: (r.topics as string[] | null) ?? null,
    active: Boolean(r.active),
    createdAt: iso(r.created_at),
  };
}

export async function listEndpoints(q: QueryExecutor, activeOnly = false): Promise<EndpointRow[]> {
  const rows = await q(
    `SELECT * FROM notification_endpoints ${activeOnly ? 'WHERE active' : ''} ORDER BY created_at, id`,
  );
  return rows.map(toEndpoint);
}

export async function saveEndpoint(q: QueryExecutor, e: EndpointRow): Promise<void> {
  await q(
    `INSERT INTO notification_endpoints (id, kind, url, secret, exchange, topics, active, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (id) DO UPDATE SET kind = $2, url = $3, secret = $4, exchange = $5, topics = $6, active = $7`,
    [e.id, e.kind, e.url, e.secret, e.exchange, e.topics, e.active, e.createdAt],
  );
}

// ── recipients ───────────────────────────────────────────────────────────────────────────────────

/** A user named by id, or by display name within a unit (a ledger's 责任人 is often a name). */
export async function usersNamed(q: QueryExecutor, ref: string, unitId: string | null): Promise<string[]> {
  const rows = await q<{ id: string }>(
    `SELECT id FROM users WHERE id = $1 OR (display_name = $1 AND ($2::text IS NULL OR unit_id = $2)) ORDER BY id`,
    [ref, unitId],
  );
  return rows.map((r) => r.id);
}

/** The principal leaders (单位主要负责人) of a unit. */
export async function principalsOf(q: QueryExecutor, unitId: string): Promise<string[]> {
  const rows = await q<{ id: string }>(
    `SELECT id FROM users WHERE unit_id = $1 AND is_principal ORDER BY id`,
    [unitId],
  );
  return rows.map((r) => r.id);
}

/** The supervisors of the unit above `unitId`. */
export async function supervisorsAbove(q: QueryExecutor, unitId: string): Promise<string[]> {
  const rows = await q<{ id: string }>(
    `SELECT u.id FROM units c JOIN users u ON u.unit_id = c.parent_id
      WHERE c.id = $1 AND u.role = 'supervisor' ORDER BY u.id`,
    [unitId],
  );
  return rows.map((r) => r.id);
}

/** The handler and responsible person an item's current state names. */
export async function itemPeople(
  q: QueryExecutor,
  itemId: string,
): Promise<Record<'handler' | 'responsible', { ref: string; unitId: string | null } | null>> {
  const [row] = await q<{
    officer: string | null;
    vunit: string | null;
    person: string | null;
    punit: string | null;
  }>(
    `SELECT snapshot #>> '{context,verification,officerId}' AS officer, snapshot #>> '{context,verification,unitId}' AS vunit,
            snapshot #>> '{context,ledger,responsiblePerson}' AS person, snapshot #>> '{context,ledger,responsibleUnitId}' AS punit
       FROM streams WHERE stream_id = $1`,
    [itemId],
  );
  return {
    handler: row?.officer ? { ref: row.officer, unitId: row.vunit } : null,
    responsible: row?.person ? { ref: row.person, unitId: row.punit } : null,
  };
}

export async function unitNames(q: QueryExecutor, unitIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await q<{ id: string; name: string }>(`SELECT id, name FROM units WHERE id = ANY($1)`, [
    [...new Set(unitIds)],
  ]);
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function userNames(q: QueryExecutor, userIds: readonly string[]): Promise<Map<string, string>> {
  const rows = await q<{ id: string; display_name: string }>(
    `SELECT id, display_name FROM users WHERE id = ANY($1)`,
    [[...new Set(userIds)]],
  );
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

// ── preferences and templates ────────────────────────────────────────────────────────────────────

function toPreferences(r: Record<string, unknown>): PreferencesRow {
  return {
    userId: String(r.user_id),
    channels: r.channels as string[],
    email: (r.email as string | null) ?? null,
    quietStart: r.quiet_start === null ? null : Number(r.quiet_start),
    quietEnd: r.quiet_end === null ? null : Number(r.quiet_end),
    digest: Boolean(r.digest),
  };
}

export async function preferencesOf(
  q: QueryExecutor,
  userIds: readonly string[],
): Promise<Map<string, PreferencesRow>> {
  const rows = await q(`SELECT * FROM notification_preferences WHERE user_id = ANY($1)`, [
    [...new Set(userIds)],
  ]);
  return new Map(rows.map((r) => [String(r.user_id), toPreferences(r)]));
}

export async function savePreferences(q: QueryExecutor, p: PreferencesRow, at: string): Promise<void> {
  await q(
    `INSERT INTO notification_preferences (user_id, channels, email, quiet_start, quiet_end, digest, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (user_id) DO UPDATE SET channels = $2, email = $3, quiet_start = $4, quiet_end = $5, digest = $6, updated_at = $7`,
    [p.userId, p.channels, p.email, p.quietStart, p.quietEnd, p.digest, at],
  );
}

/** Users who asked for the daily digest. */
export async function digestSubscribers(q: QueryExecutor): Promise<PreferencesRow[]> {
  return (await q(`SELECT * FROM notification_preferences WHERE digest ORDER BY user_id`)).map(toPreferences);
}

export interface StoredTemplate {
  kind: string;
  subject: string;
  body: string;
  updatedBy: string;
  updatedAt: string;
}

export async function storedTemplates(
  q: QueryExecutor,
  kinds?: readonly string[],
): Promise<Map<string, StoredTemplate>> {
  const rows = await q(`SELECT * FROM notification_templates WHERE $1::text[] IS NULL OR kind = ANY($1)`, [
    kinds ? [...kinds] : null,
  ]);
  return new Map(
    rows.map((r) => [
      String(r.kind),
      {
        kind: String(r.kind),
        subject: String(r.subject),
        body: String(r.body),
        updatedBy: String(r.updated_by),
        updatedAt: iso(r.updated_at),
      },
    ]),
  );
}

export async function saveTemplate(q: QueryExecutor, t: StoredTemplate): Promise<void> {
  await q(
    `INSERT INTO notification_templates (kind, subject, body, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (kind) DO UPDATE SET subject = $2, body = $3, updated_by = $4, updated_at = $5`,
    [t.kind, t.subject, t.body, t.updatedBy, t.updatedAt],
  );
}

export async function deleteTemplate(q: QueryExecutor, kind: string): Promise<void> {
  await q(`DELETE FROM notification_templates WHERE kind = $1`, [kind]);
}

// ── the inbox ────────────────────────────────────────────────────────────────────────────────────

export interface InboxEntry extends NotificationRow {
  readAt: string | null;
}

function toInboxEntry(r: Record<string, unknown>): InboxEntry {
  return {
    id: String(r.id),
    kind: String(r.kind),
    recipientId: String(r.recipient_id),
    streamId: (r.stream_id as string | null) ?? null,
    eventPosition: r.event_position === null ? null : Number(r.event_position),
    dedupKey: (r.dedup_key as string | null) ?? null,
    subject: String(r.subject),
    body: String(r.body),
    data: r.data as Record<string, unknown>,
    createdAt: iso(r.created_at),
    readAt: isoOrNull(r.read_at),
  };
}

/** One user's notifications, newest first. */
export async function inboxOf(
  q: QueryExecutor,
  userId: string,
  page: { limit: number; offset: number; unreadOnly: boolean; kind?: string },
): Promise<{ total: number; entries: InboxEntry[] }> {
  const { rows, total } = await readPage(
    q,
    {
      keys: `SELECT id, created_at FROM notifications
              WHERE recipient_id = $1 AND ($2::boolean IS FALSE OR read_at IS NULL) AND ($3::text IS NULL OR kind = $3)`,
      orderBy: 'created_at DESC, id',
      rows: 'SELECT n.* FROM page JOIN notifications n USING (id) ORDER BY n.created_at DESC, n.id',
      parameters: [userId, page.unreadOnly, page.kind ?? null],
    },
    page,
  );
  return { total, entries: rows.map(toInboxEntry) };
}

export async function unreadCountOf(q: QueryExecutor, userId: string): Promise<number> {
  const [row] = await q<{ n: string }>(
    `SELECT count(*) AS n FROM notifications WHERE recipient_id = $1 AND read_at IS NULL`,
    [userId],
  );
  return Number(row?.n ?? 0);
}

/** Marks the user's own notifications read (others' ids are ignored); returns the ids marked. */
export async function markRead(
  q: QueryExecutor,
  userId: string,
  ids: readonly string[] | 'all',
  at: string,
): Promise<string[]> {
  const rows = await q<{ id: string }>(
    `UPDATE notifications SET read_at = $3 WHERE recipient_id = $1 AND read_at IS NULL
        AND ($2::text[] IS NULL OR id = ANY($2)) RETURNING id`,
    [userId, ids === 'all' ? null : [...ids], at],
  );
  return rows.map((r) => r.id);
}

export async function notificationOwner(q: QueryExecutor, id: string): Promise<string | null> {
  const [row] = await q<{ recipient_id: string }>(`SELECT recipient_id FROM notifications WHERE id = $1`, [
    id,
  ]);
  return row?.recipient_id ?? null;
}

// ── the dispatcher ───────────────────────────────────────────────────────────────────────────────

function toDelivery(r: Record<string, unknown>): DeliveryRow {
  return {
    id: Number(r.id),
    messageId: String(r.message_id),
    channel: r.channel as DeliveryRow['channel'],
    target: String(r.target),
    recipientId: (r.recipient_id as string | null) ?? null,
    payload: r.payload as Record<string, unknown>,
    status: r.status as DeliveryRow['status'],
    attempts: Number(r.attempts),
    nextAttemptAt: iso(r.next_attempt_at),
    leaseOwner: (r.lease_owner as string | null) ?? null,
    lastError: (r.last_error as string | null) ?? null,
    createdAt: iso(r.created_at),
    deliveredAt: isoOrNull(r.delivered_at),
  };
}

/**
 * Claims up to `limit` due deliveries for `owner` until `leaseUntil`: rows another dispatcher has locked
 * are skipped (SKIP LOCKED) and rows under a live lease are not due, so two dispatchers never hold the
 * same delivery at once. The claim commits at once; a dispatcher that dies leaves its lease to expire.
 */
export async function leaseDeliveries(
  q: QueryExecutor,
  owner: string,
  now: string,
  leaseUntil: string,
  limit: number,
  channels: readonly string[],
): Promise<DeliveryRow[]> {
  const rows = await q(
    `UPDATE notification_deliveries d SET lease_owner = $1, lease_until = $3, attempts = d.attempts + 1
      WHERE d.id IN (SELECT id FROM notification_deliveries
                      WHERE status = 'pending' AND next_attempt_at <= $2 AND (lease_until IS NULL OR lease_until <= $2)
                        AND channel = ANY($5)
                      ORDER BY next_attempt_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
      RETURNING d.*`,
    [owner, now, leaseUntil, limit, [...channels]],
  );
  return rows.map(toDelivery).sort((a, b) => a.id - b.id);
}

/** Records confirmed sends; only the lease holder may (a lease that expired and moved on is not ours). */
export async function markDelivered(
  q: QueryExecutor,
  owner: string,
  ids: readonly number[],
  at: string,
): Promise<number> {
  if (ids.length === 0) return 0;
  const rows = await q(
    `UPDATE notification_deliveries SET status = 'delivered', delivered_at = $3, lease_owner = NULL, lease_until = NULL, last_error = NULL
      WHERE id = ANY($2) AND lease_owner = $1 AND status = 'pending' RETURNING id`,
    [owner, [...ids], at],
  );
  return rows.length;
}

/** Records a failed attempt: retried at `retryAt`, or dead-lettered when `retryAt` is null. */
export async function markFailed(
  q: QueryExecutor,
  owner: string,
  id: number,
  error: string,
  retryAt: string | null,
): Promise<void> {
  await q(
    `UPDATE notification_deliveries SET status = $4, next_attempt_at = COALESCE($3, next_attempt_at), last_error = $5,
            lease_owner = NULL, lease_until = NULL
      WHERE id = $1 AND lease_owner = $2 AND status = 'pending'`,
    [id, owner, retryAt, retryAt === null ? 'dead' : 'pending', error.slice(0, 2000)],
  );
}

/** Puts dead (or named) deliveries back in the queue with a fresh attempt count; returns how many. */
export async function requeueDeliveries(
  q: QueryExecutor,
  selection: { ids?: readonly number[]; status?: 'dead'; target?: string },
  now: string,
): Promise<number> {
  const rows = await q(
    `UPDATE notification_deliveries SET status = 'pending', attempts = 0, next_attempt_at = $4, lease_owner = NULL,
            lease_until = NULL, delivered_at = NULL
      WHERE ($1::bigint[] IS NULL OR id = ANY($1)) AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR target = $3)
        AND ($1::bigint[] IS NOT NULL OR $2::text IS NOT NULL)
      RETURNING id`,
    [selection.ids ? [...selection.ids] : null, selection.status ?? null, selection.target ?? null, now],
  );
  return rows.length;
}

export async function listDeliveries(
  q: QueryExecutor,
  filter: { status?: string; channel?: string; target?: string; limit: number; offset: number },
): Promise<PagedRows<DeliveryRow>> {
  const { rows, total } = await readPage(
    q,
    {
      keys: `SELECT id FROM notification_deliveries
              WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR channel = $2) AND ($3::text IS NULL OR target = $3)`,
      orderBy: 'id DESC',
      rows: 'SELECT d.* FROM page JOIN notification_deliveries d USING (id) ORDER BY d.id DESC',
      parameters: [filter.status ?? null, filter.channel ?? null, filter.target ?? null],
    },
    filter,
  );
  return { total, rows: rows.map(toDelivery) };
}

// ── the clock: due soon and the digest ───────────────────────────────────────────────────────────

export interface OpenDeadline {
  streamId: string;
  state: string;
  deadline: string;
  unitId: string;
  context: Record<string, unknown>;
}

/** Items whose current deadline falls in (from, to] and has not passed. */
export async function itemDeadlinesBetween(
  q: QueryExecutor,
  from: string,
  to: string,
): Promise<OpenDeadline[]> {
  const rows = await q(
    `SELECT stream_id, state, deadline, unit_id, snapshot -> 'context' AS context FROM streams
      WHERE deadline IS NOT NULL AND NOT overdue AND deadline > $1 AND deadline <= $2 AND stream_type = 'item'
      ORDER BY deadline, stream_id`,
    [from, to],
  );
  return rows.map((r) => ({
    streamId: String(r.stream_id),
    state: String(r.state),
    deadline: iso(r.deadline),
    unitId: String(r.unit_id),
    context: r.context as Record<string, unknown>,
  }));
}

export interface DigestLine {
  streamId: string;
  state: string;
  deadline: string;
  overdue: boolean;
  unitId: string;
  description: string;
}

/**
 * The open items a user answers for — as handler, as responsible person (by id or name), or as principal
 * of the item's unit — that are overdue or due by `dueBy`.
 */
export async function digestLinesFor(
  q: QueryExecutor,
  userId: string,
  at: string,
  dueBy: string,
): Promise<DigestLine[]> {
  const rows = await q(
    `SELECT s.stream_id, s.state, s.deadline, ${streamOverdueSql('s', '$3')} AS overdue, s.unit_id, s.snapshot #>> '{context,clue,description}' AS description
       FROM streams s, users u
      WHERE u.id = $1 AND s.stream_type = 'item' AND s.deadline IS NOT NULL AND s.deadline <= $2
        AND (s.snapshot #>> '{context,verification,officerId}' = u.id
             OR s.snapshot #>> '{context,ledger,responsiblePerson}' IN (u.id, u.display_name)
             OR (u.is_principal AND s.unit_id = u.unit_id))
      ORDER BY 4 DESC, s.deadline, s.stream_id`,
    [userId, dueBy, at],
  );
  return rows.map((r) => ({
    streamId: String(r.stream_id),
    state: String(r.state),
    deadline: iso(r.deadline),
    overdue: Boolean(r.overdue),
    unitId: String(r.unit_id),
    description: String(r.description ?? ''),
  }));
}
