import { Router } from 'express';
import type { AppendNotice } from '../../persistence/append-notifications';
import { isRelated, isWithin, Permission, requireRole } from '../authz';
import type { ApiContext, AuthUser } from '../context';
import { endpoint } from '../endpoint';

/** Unsent bytes a slow client may hold up before its stream is ended (it reconnects and refetches). */
const MAX_BUFFERED_BYTES = 256 * 1024;

/** Whether the caller may read the stream the notice is about (the same scopes as the read routes). */
function mayRead(user: AuthUser, notice: AppendNotice): boolean {
  return notice.streamType === 'campaign'
    ? isRelated(user, notice.unitPath)
    : isWithin(user, notice.unitPath);
}

/** What a client receives of a notice: the contract's fields, not the unit path used for filtering. */
const eventData = (n: AppendNotice) => ({
  streamType: n.streamType,
  streamId: n.streamId,
  sequence: n.sequence,
  eventType: n.eventType,
  campaignId: n.campaignId,
  unitId: n.unitId,
  globalPosition: n.globalPosition,
});

/**
 * `GET /live`: Server-Sent Events, one `append` event per event appended anywhere (any server process on
 * the database) that the caller may read; a heartbeat comment keeps proxies from closing an idle stream.
 */
export function liveRouter(context: ApiContext): Router {
  const router = Router();
  endpoint(router, context, {
    method: 'get',
    path: '/live',
    summary:
      'Server-Sent Events (text/event-stream): `append` {streamType, streamId, sequence, eventType, campaignId, unitId} for every event the caller may read; heartbeat comments',
    tag: 'live',
    handler: ({ user, req, res }) => {
      requireRole(user, Permission.readAll);
      res.status(200).set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.flushHeaders();
      res.write(': connected\n\n');
      return new Promise<void>((resolve) => {
        let ended = false;
        const end = () => {
          if (ended) return;
          ended = true;
          clearInterval(heartbeat);
          unsubscribe();
          res.end();
          resolve();
        };
        const send = (chunk: string) => {
          if (ended) return;
          // A client that does not read: rather than buffer without bound, end its stream.
          if (res.writableLength > MAX_BUFFERED_BYTES) {
            context.logger.warn({ user: user.username }, 'live: client too slow; stream ended');
            end();
            return;
          }
          res.write(chunk);
        };
        const heartbeat = setInterval(() => send(': heartbeat\n\n'), context.liveHeartbeatMs ?? 15_000);
        const unsubscribe = context.live.subscribe((notice) => {
          if (!mayRead(user, notice)) return;
          send(`event: append\nid: ${notice.globalPosition}\ndata: ${JSON.stringify(eventData(notice))}\n\n`);
        }, end);
        req.on('close', end);
        res.on('close', end);
      });
    },
  });
  return router;
}
