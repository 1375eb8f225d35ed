import { randomUUID } from 'node:crypto';
import type { PagedRows } from '../persistence/paging';
import type { Database } from '../persistence/database';
import { type QueryExecutor, databaseQuery } from '../persistence/database';
import {
  deleteTemplate,
  inboxOf,
  listDeliveries,
  listEndpoints,
  markRead,
  notificationOwner,
  preferencesOf,
  requeueDeliveries,
  saveEndpoint,
  savePreferences,
  saveTemplate,
  storedTemplates,
  unreadCountOf,
  type DeliveryRow,
  type EndpointRow,
  type InboxEntry,
} from '../persistence/notification-store';
import type { Clock } from '../shared/clock';
import { ErrorCode, NotFoundError, ZhengzhiError } from '../shared/errors';
import {
  isNotificationKind,
  KIND_SPECS,
  NOTIFICATION_KINDS,
  type NotificationKind,
  type Template,
} from './kinds';
import type { NotificationOutbox } from './outbox';
import { preferencesFromRow } from './outbox';
import { PERSONAL_CHANNELS, type Preferences } from './preferences';
import { checkTemplate } from './templates';

/** A template as the API shows it: the stored one or the default, with its placeholders. */
export interface TemplateView extends Template {
  kind: NotificationKind;
  label: string;
  variables: Record<string, string>;
  customised: boolean;
  updatedBy: string | null;
  updatedAt: string | null;
}

export interface NewEndpoint {
  id?: string;
  kind: 'webhook' | 'amqp';
  url: string;
  secret?: string | null;
  exchange?: string | null;
  topics?: string[] | null;
  active?: boolean;
}

const invalid = (message: string, details: Record<string, unknown> = {}) =>
  new ZhengzhiError(ErrorCode.invalidInput, message, details);

/**
 * Everything people and integrators do with notifications besides receiving them: the inbox, their
 * preferences, the templates (supervisors), the endpoints and the delivery queue (redelivery).
 * Authorisation is the API's; this layer checks input and ownership.
 */
export class NotificationService {
  readonly #q: QueryExecutor;

  constructor(private readonly deps: { database: Database; clock: Clock; outbox: NotificationOutbox }) {
    this.#q = databaseQuery(deps.database);
  }

  inbox(userId: string, page: { limit: number; offset: number; unreadOnly: boolean; kind?: string }) {
    return inboxOf(this.#q, userId, page);
  }

  unreadCount(userId: string): Promise<number> {
    return unreadCountOf(this.#q, userId);
  }

  /** Marks the user's own notifications read; ids of other people's notifications are simply not found. */
  markRead(userId: string, ids: readonly string[] | 'all'): Promise<string[]> {
    return markRead(this.#q, userId, ids, this.deps.clock.now().toISOString());
  }

  /** The recipient of a notification, or null when there is no such notification. */
  ownerOf(id: string): Promise<string | null> {
    return notificationOwner(this.#q, id);
  }

  async preferences(userId: string): Promise<Preferences> {
    return preferencesFromRow((await preferencesOf(this.#q, [userId])).get(userId));
  }

  async setPreferences(userId: string, preferences: Preferences): Promise<Preferences> {
    const unknown = preferences.channels.filter((c) => !(PERSONAL_CHANNELS as readonly string[]).includes(c));
    if (unknown.length)
      throw invalid(`channels: unknown channel ${unknown.join(', ')}; use ${PERSONAL_CHANNELS.join(', ')}`);
    if (preferences.channels.includes('email') && !preferences.email)
      throw invalid('email: the e-mail channel needs an address');
    const quiet = preferences.quietHours;
    for (const hour of quiet ? [quiet.start, quiet.end] : [])
      if (!Number.isInteger(hour) || hour < 0 || hour > 23)
        throw invalid(`quietHours: ${hour} is not an hour 0–23`);
    const channels = [...new Set<string>(['inbox', ...preferences.channels])];
    await savePreferences(
      this.#q,
      {
        userId,
        channels,
        email: preferences.email,
        quietStart: quiet?.start ?? null,
        quietEnd: quiet?.end ?? null,
        digest: preferences.digest,
      },
      this.deps.clock.now().toISOString(),
    );
    return this.preferences(userId);
  }

  async templates(): Promise<TemplateView[]> {
    const stored = await storedTemplates(this.#q);
    return NOTIFICATION_KINDS.map((kind) => {
      const custom = stored.get(kind);
      const spec = KIND_SPECS[kind];
      return {
        kind,
        label: spec.label,
        variables: spec.variables,
        subject: custom?.subject ?? spec.defaults.subject,
        body: custom?.body ?? spec.defaults.body,
        customised: custom !== undefined,
        updatedBy: custom?.updatedBy ?? null,
        updatedAt: custom?.updatedAt ?? null,
      };
    });
  }

  /** Stores a supervisor's template after checking its placeholders; problems are located `field:line:column`. */
  async setTemplate(kind: string, template: Template, userId: string): Promise<TemplateView> {
    const known = this.#kind(kind);
    const problems = checkTemplate(known, template);
    if (problems.length)
      throw invalid(problems.map((p) => `${p.field}:${p.line}:${p.column}: ${p.message}`).join('; '), {
        problems,
      });
    await saveTemplate(this.#q, {
      kind: known,
      ...template,
      updatedBy: userId,
      updatedAt: this.deps.clock.now().toISOString(),
    });
    return (await this.templates()).find((t) => t.kind === known)!;
  }

  /** Back to the default text. */
  async resetTemplate(kind: string): Promise<TemplateView> {
    const known = this.#kind(kind);
    await deleteTemplate(this.#q, known);
    return (await this.templates()).find((t) => t.kind === known)!;
  }

  #kind(kind: string): NotificationKind {
    if (!isNotificationKind(kind)) throw new NotFoundError('notification kind', kind);
    return kind;
  }

  endpoints(): Promise<EndpointRow[]> {
    return listEndpoints(this.#q);
  }

  /** Registers (or replaces) a webhook or RabbitMQ endpoint; it receives what is committed from now on. */
  async saveEndpoint(input: NewEndpoint): Promise<EndpointRow> {
    let url: URL;
    try {
      url = new URL(input.url);
    } catch {
      throw invalid(`url: ${input.url} is not a URL`);
    }
    const schemes = input.kind === 'webhook' ? ['http:', 'https:'] : ['amqp:', 'amqps:'];
    if (!schemes.includes(url.protocol))
      throw invalid(`url: a ${input.kind} endpoint needs ${schemes.join(' or ')}, not ${url.protocol}`);
    if (input.kind === 'webhook' && (!input.secret || input.secret.length < 16))
      throw invalid('secret: a webhook needs a signing secret of at least 16 characters');
    const endpoint: EndpointRow = {
      id: input.id ?? `ep-${randomUUID()}`,
      kind: input.kind,
      url: input.url,
      secret: input.secret ?? null,
      exchange: input.exchange ?? null,
      topics: input.topics ?? null,
      active: input.active ?? true,
      createdAt: this.deps.clock.now().toISOString(),
    };
    await saveEndpoint(this.#q, endpoint);
    this.deps.outbox.endpointsChanged();
    return endpoint;
  }

  deliveries(filter: {
    status?: string;
    channel?: string;
    target?: string;
    limit: number;
    offset: number;
  }): Promise<PagedRows<DeliveryRow>> {
    return listDeliveries(this.#q, filter);
  }

  /** Puts deliveries back in the queue: named ones, or every dead one (optionally of one endpoint/address). */
  redeliver(selection: { ids?: number[]; dead?: boolean; target?: string }): Promise<number> {
    if (!selection.ids?.length && !selection.dead)
      throw invalid('name deliveries by id, or ask for every dead one');
    return requeueDeliveries(
      this.#q,
      {
        ids: selection.ids?.length ? selection.ids : undefined,
        status: selection.dead ? 'dead' : undefined,
        target: selection.target,
      },
      this.deps.clock.now().toISOString(),
    );
  }
}

export type { InboxEntry };
