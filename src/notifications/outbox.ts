import { randomUUID } from 'node:crypto';
import type { AppendHook, AppendedEvent } from '../engine/engine';
import { type QueryExecutor } from '../persistence/database';
import { labelOf } from '../vocabulary/labels';
import {
  insertDeliveries,
  insertNotifications,
  listEndpoints,
  preferencesOf,
  storedTemplates,
  unitNames,
  type EndpointRow,
  type NewDelivery,
  type NotificationRow,
  type PreferencesRow,
} from '../persistence/notification-store';
import { intentsFor, type NotificationIntent } from './intents';
import { KIND_SPECS, type NotificationKind, type Template } from './kinds';
import { eventMessage, matchesTopic, notificationMessage } from './messages';
import { cstText, DEFAULT_PREFERENCES, sendableAt, wantsEmail, type Preferences } from './preferences';
import { resolveRecipients } from './recipients';
import { renderTemplate } from './templates';

/** What the hook reports in a command's effects: who was told what. */
export interface NotificationSummary {
  id: string;
  kind: NotificationKind;
  recipientId: string;
}

/** The cause of a batch of notifications: an event (with its position) or a clock pass. */
export interface Cause {
  /** Distinguishes causes in dedup keys: `<streamId>:<sequence>`, or e.g. a deadline for due-soon reminders. */
  key: string;
  eventPosition: number | null;
  at: string;
}

export function preferencesFromRow(row: PreferencesRow | undefined): Preferences {
  if (!row) return DEFAULT_PREFERENCES;
  return {
    channels: row.channels.filter(
      (c): c is Preferences['channels'][number] => c === 'inbox' || c === 'email',
    ),
    email: row.email,
    quietHours:
      row.quietStart === null || row.quietEnd === null ? null : { start: row.quietStart, end: row.quietEnd },
    digest: row.digest,
  };
}

const DATE_VARIABLES = ['deadline', 'respondBy'];

/**
 * The transactional outbox (issue 14 §1). As an append hook it runs inside the event's transaction:
 * the notifications for the people concerned and the messages for the registered webhooks and RabbitMQ
 * exchanges are inserted there, so they commit with the event or not at all.
 */
export class NotificationOutbox {
  #endpoints: { rows: EndpointRow[]; until: number } | null = null;
  readonly #endpointCacheMs: number;

  constructor(options: { endpointCacheMs?: number } = {}) {
    this.#endpointCacheMs = options.endpointCacheMs ?? 2_000;
  }

  /** Forgets the cached endpoints (after a change through this process). */
  endpointsChanged(): void {
    this.#endpoints = null;
  }

  /** The hook the runtime registers; it sees derived events too (escalations are appended by the rules). */
  hook(): AppendHook {
    return {
      name: 'notifications',
      runsOnDerivedEvents: true,
      afterAppend: (tx, appended) => this.#afterAppend((sql, p) => tx.query(sql, p), appended),
    };
  }

  async #afterAppend(q: QueryExecutor, appended: AppendedEvent): Promise<NotificationSummary[]> {
    const { event, state, streamType } = appended;
    const endpoints = await this.#activeEndpoints(q);
    const deliveries: NewDelivery[] = [];
    const topic = `event.${streamType}.${event.type}`;
    const message = endpoints.some((e) => matchesTopic(e.topics, topic))
      ? eventMessage(streamType, event, state.value)
      : null;
    for (const endpoint of endpoints) {
      if (!message || !matchesTopic(endpoint.topics, topic)) continue;
      deliveries.push({
        messageId: message.id,
        channel: endpoint.kind,
        target: endpoint.id,
        recipientId: null,
        payload: message,
        nextAttemptAt: event.recordedAt,
        createdAt: event.recordedAt,
      });
    }
    await insertDeliveries(q, deliveries);
    const intents = intentsFor({
      streamType,
      created: appended.stream === null,
      streamId: event.streamId,
      type: event.type,
      actorId: event.actorId,
      payload: event.payload,
      unitId: appended.unitId,
      state: state.value,
      context: state.context,
    });
    if (intents.length === 0) return [];
    return this.record(q, intents, {
      key: `${event.streamId}:${event.sequence}`,
      eventPosition: event.globalPosition,
      at: event.recordedAt,
    });
  }

  /**
   * Creates the notifications of some intents and queues their deliveries, in the caller's transaction.
   * A cause already recorded for a recipient (same dedup key) is skipped, so re-running is harmless.
   */
  async record(
    q: QueryExecutor,
    intents: readonly NotificationIntent[],
    cause: Cause,
  ): Promise<NotificationSummary[]> {
    // Who is told comes first: most events that could notify reach nobody with an account, and then
    // nothing else is read (this runs inside every command).
    const addressed: Array<{ intent: NotificationIntent; recipients: Map<string, string[]> }> = [];
    for (const intent of intents) {
      const recipients = await resolveRecipients(q, intent.recipients);
      if (intent.exceptUserId) recipients.delete(intent.exceptUserId);
      if (recipients.size > 0) addressed.push({ intent, recipients });
    }
    if (addressed.length === 0) return [];
    const endpoints = await this.#activeEndpoints(q);
    const templates = await storedTemplates(q, [...new Set(addressed.map((a) => a.intent.kind))]);
    const units = await unitNames(
      q,
      addressed.map((a) => a.intent.unitId),
    );
    const rows: NotificationRow[] = [];
    for (const { intent, recipients } of addressed) {
      const variables = this.#variables(intent, units);
      const template: Template = templates.get(intent.kind) ?? KIND_SPECS[intent.kind].defaults;
      const text = renderTemplate(template, variables);
      for (const [userId, why] of recipients) {
        rows.push({
          id: `ntf-${randomUUID()}`,
          kind: intent.kind,
          recipientId: userId,
          streamId: intent.streamId,
          eventPosition: cause.eventPosition,
          dedupKey: `${intent.kind}|${cause.key}|${userId}`,
          subject: text.subject,
          body: text.body,
          data: { roles: why, variables },
          createdAt: cause.at,
        });
      }
    }
    const kept = await insertNotifications(q, rows);
    const told = rows.filter((r) => kept.has(r.id));
    await insertDeliveries(q, await this.#deliveriesFor(q, told, endpoints));
    return told.map((r) => ({ id: r.id, kind: r.kind as NotificationKind, recipientId: r.recipientId }));
  }

  async #deliveriesFor(
    q: QueryExecutor,
    told: NotificationRow[],
    endpoints: EndpointRow[],
  ): Promise<NewDelivery[]> {
    const preferences = await preferencesOf(
      q,
      told.map((r) => r.recipientId),
    );
    const deliveries: NewDelivery[] = [];
    for (const row of told) {
      const prefs = preferencesFromRow(preferences.get(row.recipientId));
      if (wantsEmail(prefs, row.kind)) {
        deliveries.push({
          messageId: row.id,
          channel: 'email',
          target: prefs.email!,
          recipientId: row.recipientId,
          payload: { to: prefs.email, subject: row.subject, text: row.body, kind: row.kind },
          nextAttemptAt: sendableAt(prefs, row.createdAt),
          createdAt: row.createdAt,
        });
      }
      const topic = `notification.${row.kind}`;
      for (const endpoint of endpoints.filter((e) => matchesTopic(e.topics, topic))) {
        deliveries.push({
          messageId: row.id,
          channel: endpoint.kind,
          target: endpoint.id,
          recipientId: row.recipientId,
          payload: notificationMessage(row),
          nextAttemptAt: row.createdAt,
          createdAt: row.createdAt,
        });
      }
    }
    return deliveries;
  }

  #variables(intent: NotificationIntent, units: Map<string, string>): Record<string, unknown> {
    const variables: Record<string, unknown> = {
      ...intent.variables,
      unitName: units.get(intent.unitId) ?? intent.unitId,
    };
    if (typeof variables.state === 'string') variables.stateLabel = labelOf('itemState', variables.state);
    for (const name of DATE_VARIABLES) if (name in variables) variables[name] = cstText(variables[name]);
    return variables;
  }

  async #activeEndpoints(q: QueryExecutor): Promise<EndpointRow[]> {
    const now = performance.now();
    if (this.#endpoints && this.#endpoints.until > now) return this.#endpoints.rows;
    const rows = await listEndpoints(q, true);
    this.#endpoints = { rows, until: now + this.#endpointCacheMs };
    return rows;
  }
}
