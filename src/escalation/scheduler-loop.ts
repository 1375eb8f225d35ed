import type { FiredJob, Scheduler } from './scheduler';

/** A running scheduler loop; `stop()` waits for the pass in progress. */
export interface SchedulerLoop {
  stop(): Promise<void>;
}

/**
 * Runs `scheduler.tick()` now and then every `intervalMs`, never two passes at once. Errors are reported
 * and the loop goes on (the jobs stay pending and are retried on the next pass).
 */
export function startSchedulerLoop(
  scheduler: Pick<Scheduler, 'tick'>,
  intervalMs: number,
  report: { fired?: (jobs: FiredJob[]) => void; failed?: (error: unknown) => void } = {},
): SchedulerLoop {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const pass = () => {
    running = scheduler.tick().then(
      (jobs) => {
        if (jobs.length > 0) report.fired?.(jobs);
      },
      (error: unknown) => report.failed?.(error),
    );
    return running;
  };
  void pass();
  const timer = setInterval(() => {
    if (!stopped) void running.then(pass);
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
