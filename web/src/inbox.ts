import { useQuery } from '@tanstack/react-query';
import { get } from './api';

/** One notification of the caller's inbox (`GET /notifications`). */
export interface InboxEntry {
  id: string;
  kind: string;
  streamId: string | null;
  subject: string;
  body: string;
  data: { variables?: Record<string, string> } & Record<string, unknown>;
  createdAt: string;
  readAt: string | null;
}

/**
 * Every inbox query starts with this key: the live feed invalidates it on any append (a notification is
 * written in the transaction of the event that caused it), and a slow poll catches the clock's reminders.
 */
export const INBOX_KEY = 'notifications';
const POLL_MS = 30_000;

/** The caller's unread count, for the header badge. */
export function useUnreadCount() {
  return useQuery({
    queryKey: [INBOX_KEY, 'unread-count'],
    queryFn: ({ signal }) => get<{ unread: number }>('/notifications/unread-count', signal),
    refetchInterval: POLL_MS,
  });
}

/** Where a notification leads: its item, else the escalations list (an escalation about a unit). */
export function inboxTarget(entry: InboxEntry): string | null {
  const variables = entry.data.variables ?? {};
  if (typeof variables.itemId === 'string' && variables.itemId !== '')
    return `/items/${encodeURIComponent(variables.itemId)}`;
  if (variables.escalationId) return '/escalations';
  return null;
}
