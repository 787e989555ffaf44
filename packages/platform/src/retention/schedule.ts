import type { Store } from '../store/db.ts';
import type { Logger } from '../logger.ts';
import type { RetentionSettings } from '../config.ts';
import { purgeExpired } from './purge.ts';

export interface RetentionJob {
  /** Cancels future runs and waits for a running one to finish. */
  stop(): Promise<void>;
}

/** Runs the retention purge a minute after start and then once a day; the timers do not keep the process alive. */
export function startRetentionJob(store: Store, settings: RetentionSettings, logger: Logger, timing = { firstRunMs: 60_000, intervalMs: 86_400_000 }): RetentionJob {
  const log = logger.child({ component: 'retention' });
  let running: Promise<void> | null = null;
  let stopped = false;
  const run = () => {
    if (stopped || running) return;
    running = purgeExpired(store, settings)
      .then((result) => log.info(result, 'retention purge finished'))
      .catch((error: unknown) => log.error({ err: error }, 'retention purge failed'))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(() => {
    run();
    interval.refresh();
  }, timing.firstRunMs);
  const interval = setInterval(run, timing.intervalMs);
  first.unref();
  interval.unref();
  log.info({ firstRunMs: timing.firstRunMs, intervalMs: timing.intervalMs, settings }, 'retention job scheduled');
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(interval);
      await running;
    },
  };
}
