import { useEffect, useState } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { currentToken, refreshSession } from './api';

export interface AppendEvent {
  streamType: 'item' | 'campaign' | 'escalation';
  streamId: string;
  sequence: number;
  eventType: string;
  campaignId?: string;
  unitId?: string;
}

export type LiveStatus = 'connecting' | 'live' | 'offline';

/**
 * Lists and dashboards that any append may change; a stream's own queries carry its id in the key. The
 * inbox (`notifications`) is among them: a notification is written in the transaction of its event.
 */
const LIST_KEYS = new Set([
  'worklist',
  'items',
  'dashboard',
  'escalations',
  'campaigns',
  'timeline',
  'notifications',
]);

function invalidate(client: QueryClient, event: AppendEvent): void {
  void client.invalidateQueries({
    predicate: (query) =>
      query.queryKey.some((part) => part === event.streamId) ||
      (typeof query.queryKey[0] === 'string' && LIST_KEYS.has(query.queryKey[0])),
  });
}

/** Parses one SSE block (`event:` / `data:` lines). */
function parseBlock(block: string): { event: string; data: string } | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return data.length ? { event, data: data.join('\n') } : null;
}

/**
 * Follows `GET /live` (server-sent events read with fetch, because EventSource cannot send the bearer
 * header) and invalidates the queries an append may change, so other people's changes appear without a
 * reload. Reconnects with a growing pause.
 */
export function useLiveUpdates(enabled: boolean): LiveStatus {
  const client = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    let pause = 1_000;
    const run = async () => {
      while (!controller.signal.aborted) {
        try {
          setStatus('connecting');
          const token = currentToken();
          const response = await fetch('/live', {
            headers: { accept: 'text/event-stream', ...(token ? { authorization: `Bearer ${token}` } : {}) },
            signal: controller.signal,
          });
          if (response.status === 401) await refreshSession();
          if (!response.ok || !response.body) throw new Error(`live: HTTP ${response.status}`);
          setStatus('live');
          pause = 1_000;
          const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value.replace(/\r\n/g, '\n');
            let cut: number;
            while ((cut = buffer.indexOf('\n\n')) >= 0) {
              const parsed = parseBlock(buffer.slice(0, cut));
              buffer = buffer.slice(cut + 2);
              if (parsed?.event === 'append') invalidate(client, JSON.parse(parsed.data) as AppendEvent);
            }
          }
        } catch {
          if (controller.signal.aborted) return;
        }
        setStatus('offline');
        await new Promise((resolve) => setTimeout(resolve, pause));
        pause = Math.min(pause * 2, 30_000);
      }
    };
    void run();
    return () => controller.abort();
  }, [enabled, client]);
  return status;
}
