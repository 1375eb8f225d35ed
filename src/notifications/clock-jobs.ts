import type { ItemContext } from '../machines/item-types';
import type { EventStore } from '../persistence/event-store';
import { type QueryExecutor } from '../persistence/database';
import {
  digestLinesFor,
  digestSubscribers,
  itemDeadlinesBetween,
  type DigestLine,
  type OpenDeadline,
} from '../persistence/notification-store';
import type { Clock } from '../shared/clock';
import { labelOf } from '../vocabulary/labels';
import { itemTitleOf, type NotificationIntent, type RecipientRule } from './intents';
import { NotificationKind } from './kinds';
import type { NotificationOutbox, NotificationSummary } from './outbox';
import { cstDay, cstText, DIGEST_HOUR_CST } from './preferences';

const DAY = 86_400_000;
/** "Deadline approaching" means within this many days (issue 14: three days). */
export const DUE_SOON_DAYS = 3;

function dueSoonIntent(item: OpenDeadline, now: number): NotificationIntent {
  const context = item.context as unknown as ItemContext;
  const recipients: RecipientRule[] = [];
  if (context.verification)
    recipients.push({
      role: 'person',
      ref: context.verification.officerId,
      unitId: context.verification.unitId,
      as: 'handler',
    });
  if (item.state === 'rectifying' && context.ledger)
    recipients.push({
      role: 'person',
      ref: context.ledger.responsiblePerson,
      unitId: context.ledger.responsibleUnitId,
      as: 'responsible',
    });
  return {
    kind: NotificationKind.deadlineApproaching,
    streamId: item.streamId,
    unitId: item.unitId,
    recipients,
    variables: {
      itemId: item.streamId,
      itemTitle: itemTitleOf(context),
      description: context.clue?.description,
      state: item.state,
      deadline: item.deadline,
      daysLeft: Math.max(1, Math.ceil((Date.parse(item.deadline) - now) / DAY)),
    },
  };
}

/**
 * Reminds the people of every item whose deadline falls within the next three days. Run on every clock
 * pass; each (item, deadline, person) is reminded once — a deadline extended later is reminded again.
 */
export async function remindDueSoon(
  store: EventStore,
  outbox: NotificationOutbox,
  clock: Clock,
): Promise<NotificationSummary[]> {
  const now = clock.now().getTime();
  return store.transaction(async (tx) => {
    const q: QueryExecutor = (sql, p) => tx.query(sql, p);
    const due = await itemDeadlinesBetween(
      q,
      new Date(now).toISOString(),
      new Date(now + DUE_SOON_DAYS * DAY).toISOString(),
    );
    const told: NotificationSummary[] = [];
    for (const item of due) {
      told.push(
        ...(await outbox.record(q, [dueSoonIntent(item, now)], {
          key: `due:${item.streamId}:${item.deadline}`,
          eventPosition: null,
          at: new Date(now).toISOString(),
        })),
      );
    }
    return told;
  });
}

/** A user's digest for one CST day: what is overdue and what falls due within three days of 08:00. */
export interface Digest {
  day: string;
  userId: string;
  dueSoon: DigestLine[];
  overdue: DigestLine[];
  list: string;
}

/** The instant the digest of a CST day is made (08:00 CST). */
export function digestInstant(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`) + (DIGEST_HOUR_CST - 8) * 3_600_000;
}

export async function buildDigest(q: QueryExecutor, userId: string, day: string): Promise<Digest> {
  const at = digestInstant(day);
  const lines = await digestLinesFor(
    q,
    userId,
    new Date(at).toISOString(),
    new Date(at + DUE_SOON_DAYS * DAY).toISOString(),
  );
  const overdue = lines.filter((l) => l.overdue);
  const dueSoon = lines.filter((l) => !overdue.includes(l));
  const describe = (l: DigestLine) =>
    `· ${l.streamId}（${labelOf('itemState', l.state)}）期限 ${cstText(l.deadline)}：${l.description}`;
  const list = [
    ...(overdue.length ? ['逾期：', ...overdue.map(describe)] : []),
    ...(dueSoon.length ? ['临期：', ...dueSoon.map(describe)] : []),
  ].join('\n');
  return { day, userId, dueSoon, overdue, list };
}

/** Records the digest of `day` for one user (once per day); nothing when nothing is due or overdue. */
export async function recordDigest(
  q: QueryExecutor,
  outbox: NotificationOutbox,
  userId: string,
  day: string,
): Promise<NotificationSummary[]> {
  const digest = await buildDigest(q, userId, day);
  if (digest.dueSoon.length + digest.overdue.length === 0) return [];
  const [user] = await q<{ unit_id: string }>('SELECT unit_id FROM users WHERE id = $1', [userId]);
  return outbox.record(
    q,
    [
      {
        kind: NotificationKind.dailyDigest,
        streamId: userId,
        unitId: user?.unit_id ?? '',
        recipients: [{ role: 'person', ref: userId, unitId: null }],
        variables: {
          day,
          dueSoonCount: digest.dueSoon.length,
          overdueCount: digest.overdue.length,
          list: digest.list,
          items: [...digest.overdue, ...digest.dueSoon].map((l) => l.streamId),
        },
      },
    ],
    { key: `digest:${day}`, eventPosition: null, at: new Date(digestInstant(day)).toISOString() },
  );
}

/** On a clock pass after 08:00 CST: today's digest for every subscriber who has not had it. */
export async function sendDueDigests(
  store: EventStore,
  outbox: NotificationOutbox,
  clock: Clock,
): Promise<NotificationSummary[]> {
  const now = clock.now().getTime();
  const day = cstDay(now);
  if (now < digestInstant(day)) return [];
  return store.transaction(async (tx) => {
    const q: QueryExecutor = (sql, p) => tx.query(sql, p);
    const told: NotificationSummary[] = [];
    for (const subscriber of await digestSubscribers(q))
      told.push(...(await recordDigest(q, outbox, subscriber.userId, day)));
    return told;
  });
}
