import type { EventStore } from '../persistence/event-store';
import type { Clock } from '../shared/clock';
import { remindDueSoon, sendDueDigests } from './clock-jobs';
import type { DispatchReport, Dispatcher } from './dispatcher';
import type { NotificationOutbox } from './outbox';

/** A running dispatcher loop; `stop()` waits for the pass in progress. */
export interface NotificationLoop {
  stop(): Promise<void>;
}

export interface NotificationLoopOptions {
  /** Pause when nothing was due (default 200 ms); a full batch is followed at once by the next. */
  idleMs?: number;
  /** How often due-soon reminders and digests are looked for (default 60 s). */
  clockEveryMs?: number;
  dispatched?: (report: DispatchReport) => void;
  failed?: (error: unknown) => void;
}

/**
 * Runs the dispatcher (and, now and then, the clock's reminders and digests) until stopped. Errors are
 * reported and the loop goes on: what was not confirmed stays in the queue.
 */
export function startNotificationLoop(
  parts: { dispatcher: Dispatcher; store: EventStore; outbox: NotificationOutbox; clock: Clock },
  options: NotificationLoopOptions = {},
): NotificationLoop {
  const idleMs = options.idleMs ?? 200;
  const clockEveryMs = options.clockEveryMs ?? 60_000;
  let stopped = false;
  let lastClockPass = -Infinity;
  let wake: (() => void) | null = null;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref();
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const running = (async () => {
    while (!stopped) {
      let busy = false;
      try {
        if (performance.now() - lastClockPass >= clockEveryMs) {
          lastClockPass = performance.now();
          await remindDueSoon(parts.store, parts.outbox, parts.clock);
          await sendDueDigests(parts.store, parts.outbox, parts.clock);
        }
        const report = await parts.dispatcher.dispatchOnce();
        if (report.leased > 0) options.dispatched?.(report);
        busy = report.leased > 0;
      } catch (error) {
        options.failed?.(error);
      }
      if (!busy && !stopped) await pause(idleMs);
    }
  })();
  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
    },
  };
}
