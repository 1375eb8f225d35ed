import { EventEmitter } from 'node:events';
import { Client } from 'pg';
import type { Database } from './database';
import type { EventStoreTransaction } from './event-store';

/** The PostgreSQL channel every append is announced on. */
export const APPEND_CHANNEL = 'zhengzhi_append';

/**
 * What is announced of one appended event: small (PostgreSQL caps a payload at 8000 bytes) and enough to
 * decide who may see it (`unitPath`) and what a client should refetch.
 */
export interface AppendNotice {
  globalPosition: number;
  streamType: string;
  streamId: string;
  sequence: number;
  eventType: string;
  campaignId: string | null;
  unitId: string;
  unitPath: string;
}

/** Announces an append on PostgreSQL inside its transaction: delivered at commit, never after a rollback. */
export async function notifyAppend(tx: EventStoreTransaction, notice: AppendNotice): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [APPEND_CHANNEL, JSON.stringify(notice)]);
}

const localBuses = new WeakMap<Database, EventEmitter>();

/**
 * The in-process bus of an embedded (PGlite) database: one process owns it, so announcing after commit in
 * that process reaches every listener there is.
 */
export function localAppendBus(database: Database): EventEmitter {
  let bus = localBuses.get(database);
  if (!bus) {
    bus = new EventEmitter();
    bus.setMaxListeners(0);
    localBuses.set(database, bus);
  }
  return bus;
}

/** A running `LISTEN` on its own connection. */
export interface AppendListener {
  close(): Promise<void>;
}

/**
 * Listens for appends on a dedicated PostgreSQL connection (a pooled one would be handed to other work).
 * A lost connection is reopened after `retryMs`; notices sent meanwhile are lost, which `onGap` reports
 * so that a client can refetch.
 */
export function listenToAppends(
  url: string,
  onNotice: (notice: AppendNotice) => void,
  options: { retryMs?: number; onGap?: (error: Error) => void } = {},
): AppendListener {
  let client: Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new Client({ connectionString: url });
    next.on('notification', (message) => {
      if (message.channel !== APPEND_CHANNEL || !message.payload) return;
      try {
        onNotice(JSON.parse(message.payload) as AppendNotice);
      } catch {
        // Not ours to fail on: a malformed payload is skipped.
      }
    });
    next.on('error', (error: Error) => reconnect(error));
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${APPEND_CHANNEL}`);
      if (closed) await next.end();
    } catch (error) {
      reconnect(error as Error);
    }
  };
  const reconnect = (error: Error) => {
    if (closed) return;
    options.onGap?.(error);
    const dead = client;
    client = null;
    void dead?.end().catch(() => undefined);
    clearTimeout(retry);
    retry = setTimeout(() => void connect(), options.retryMs ?? 1000);
    retry.unref();
  };
  void connect();
  return {
    close: async () => {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
