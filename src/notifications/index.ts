/**
 * Notifications and integrations (issue 14): the transactional outbox written by an append hook, the
 * recipients derived from the record, templates, preferences, and the dispatcher that sends e-mail,
 * signed webhooks and RabbitMQ messages at least once.
 */
export { NotificationOutbox, type NotificationSummary } from './outbox';
export { Dispatcher, type DispatchReport, type DispatcherOptions } from './dispatcher';
export { NotificationService, type TemplateView, type NewEndpoint } from './service';
export { startNotificationLoop, type NotificationLoop } from './loop';
export { remindDueSoon, sendDueDigests, buildDigest, recordDigest, DUE_SOON_DAYS } from './clock-jobs';
export { signWebhook, verifyWebhook, WEBHOOK_HEADERS } from './signature';
export { EmailChannel, emailSettingsFromEnvironment, type EmailSettings } from './channels/email';
export { WebhookChannel } from './channels/webhook';
export { AmqpChannel, DEFAULT_EXCHANGE } from './channels/amqp';
export { NOTIFICATION_KINDS, KIND_SPECS, NotificationKind } from './kinds';
export { MESSAGE_SCHEMA } from './messages';
export { createDispatcher, notificationService } from './runtime';
