import { Router } from 'express';
import { notificationService } from '../../notifications/runtime';
import type { EndpointRow } from '../../persistence/notification-store';
import { Permission, requireRole } from '../authz';
import type { ApiContext, AuthUser } from '../context';
import * as dto from '../dto/notifications.dto';
import { endpoint } from '../endpoint';
import { forbidden, HttpProblem, notFound } from '../problem';

/** Templates, endpoints and the delivery queue are system-wide: supervisors of a top-level unit only. */
function requireTopSupervisor(user: AuthUser): void {
  requireRole(user, Permission.manageNotifications);
  if (user.unitPath.split('/').filter(Boolean).length !== 1)
    throw forbidden(
      Permission.manageNotifications.name,
      `notification settings are system-wide: only supervisors of a top-level unit change them; ${user.username} is in ${user.unitPath}`,
    );
}

/** An endpoint as shown: the signing secret never leaves the server. */
const endpointView = ({ secret, ...rest }: EndpointRow) => ({ ...rest, hasSecret: secret !== null });

function registerInbox(router: Router, context: ApiContext): void {
  const service = notificationService(context.runtime);
  endpoint(router, context, {
    method: 'get',
    path: '/notifications',
    summary: 'The caller’s own notifications (inbox), newest first',
    tag: 'notifications',
    query: dto.InboxQueryDto,
    handler: async ({ user, query }) => {
      const page = await service.inbox(user.id, {
        limit: query.limit,
        offset: query.offset,
        unreadOnly: query.unread ?? false,
        kind: query.kind,
      });
      return {
        ...page,
        unread: await service.unreadCount(user.id),
        limit: query.limit,
        offset: query.offset,
      };
    },
  });
  endpoint(router, context, {
    method: 'get',
    path: '/notifications/unread-count',
    summary: 'How many of the caller’s notifications are unread',
    tag: 'notifications',
    handler: async ({ user }) => ({ unread: await service.unreadCount(user.id) }),
  });
  endpoint(router, context, {
    method: 'post',
    path: '/notifications/read',
    summary: 'Mark some (ids) or all of the caller’s notifications read',
    tag: 'notifications',
    body: dto.MarkReadDto,
    handler: async ({ user, body }) => {
      if (!body.all && !body.ids?.length)
        throw new HttpProblem('validationFailed', 'body: give ids or "all": true', {
          invalidFields: [{ field: 'ids', messages: ['give ids or all: true'] }],
        });
      const marked = await service.markRead(user.id, body.all ? 'all' : body.ids!);
      return { marked, unread: await service.unreadCount(user.id) };
    },
  });
  endpoint(router, context, {
    method: 'post',
    path: '/notifications/:id/read',
    summary: 'Mark one of the caller’s notifications read',
    tag: 'notifications',
    handler: async ({ user, params }) => {
      // Someone else's notification is "not found" for this caller, exactly like a missing one.
      if ((await service.ownerOf(params.id!)) !== user.id) throw notFound('notification', params.id!);
      await service.markRead(user.id, [params.id!]);
      return { id: params.id, read: true, unread: await service.unreadCount(user.id) };
    },
  });
  endpoint(router, context, {
    method: 'get',
    path: '/notifications/preferences',
    summary: 'The caller’s notification preferences',
    tag: 'notifications',
    handler: ({ user }) => service.preferences(user.id),
  });
  endpoint(router, context, {
    method: 'put',
    path: '/notifications/preferences',
    summary: 'Change the caller’s channels, e-mail address, quiet hours (CST) and daily digest',
    tag: 'notifications',
    body: dto.PreferencesDto,
    handler: ({ user, body }) =>
      service.setPreferences(user.id, {
        channels: body.channels,
        email: body.email ?? null,
        quietHours: body.quietHours ?? null,
        digest: body.digest,
      }),
  });
}

function registerSettings(router: Router, context: ApiContext): void {
  const service = notificationService(context.runtime);
  endpoint(router, context, {
    method: 'get',
    path: '/notification-templates',
    summary: 'Every notification kind with its current Chinese template and placeholders',
    tag: 'notifications',
    handler: async ({ user }) => {
      requireRole(user, Permission.readAll);
      return { templates: await service.templates() };
    },
  });
  endpoint(router, context, {
    method: 'put',
    path: '/notification-templates/:kind',
    summary: 'Replace a kind’s template (placeholders are checked)',
    tag: 'notifications',
    body: dto.TemplateDto,
    handler: ({ user, params, body }) => {
      requireTopSupervisor(user);
      return service.setTemplate(params.kind!, body, user.id);
    },
  });
  endpoint(router, context, {
    method: 'delete',
    path: '/notification-templates/:kind',
    summary: 'Back to the default template',
    tag: 'notifications',
    handler: ({ user, params }) => {
      requireTopSupervisor(user);
      return service.resetTemplate(params.kind!);
    },
  });
  endpoint(router, context, {
    method: 'get',
    path: '/notification-endpoints',
    summary: 'Webhook and RabbitMQ endpoints (secrets are not shown)',
    tag: 'notifications',
    handler: async ({ user }) => {
      requireTopSupervisor(user);
      return { endpoints: (await service.endpoints()).map(endpointView) };
    },
  });
  endpoint(router, context, {
    method: 'post',
    path: '/notification-endpoints',
    summary: 'Register or replace a webhook or RabbitMQ endpoint for the event log',
    tag: 'notifications',
    body: dto.EndpointDto,
    status: 201,
    handler: async ({ user, body }) => {
      requireTopSupervisor(user);
      return endpointView(await service.saveEndpoint(body));
    },
  });
  endpoint(router, context, {
    method: 'get',
    path: '/notification-deliveries',
    summary: 'The delivery queue: pending, delivered and dead-lettered messages',
    tag: 'notifications',
    query: dto.DeliveriesQueryDto,
    handler: async ({ user, query }) => {
      requireTopSupervisor(user);
      const { rows, total } = await service.deliveries(query);
      return { deliveries: rows, total, limit: query.limit, offset: query.offset };
    },
  });
  endpoint(router, context, {
    method: 'post',
    path: '/notification-deliveries/redeliver',
    summary: 'Queue deliveries again: by id, or every dead-lettered one',
    tag: 'notifications',
    body: dto.RedeliverDto,
    handler: async ({ user, body }) => {
      requireTopSupervisor(user);
      return { queued: await service.redeliver(body) };
    },
  });
}

/** Notifications: the caller's inbox and preferences; templates, endpoints and redelivery for supervisors. */
export function notificationsRouter(context: ApiContext): Router {
  const router = Router();
  registerInbox(router, context);
  registerSettings(router, context);
  return router;
}
