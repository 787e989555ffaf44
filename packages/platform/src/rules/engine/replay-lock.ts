import { randomUUID } from 'node:crypto';
import type { Store } from '../../store/db.ts';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';

/** A lock whose holder has not renewed it for this long is taken to be gone (a killed process) and is taken over. */
export const replayLockStaleMs = 120_000;
const heartbeatMs = 30_000;

interface LockRow {
  token: string;
  holder: string;
  started_at: number;
  heartbeat_at: number;
}

/** A held replay lock. `release` is idempotent. */
export interface ReplayLock {
  /** The holder of a stale lock that this one replaced, or null. */
  readonly tookOverFrom: string | null;
  release(): void;
}

function runningError(row: LockRow): AppError {
  return new AppError(
    'GONGCHE_ERR_REPLAY_RUNNING',
    409,
    `A storing rules replay is running already: ${row.holder}, started ${new Date(row.started_at).toISOString()}. Wait until it is done; a replay that stopped without releasing its lock is taken over after ${replayLockStaleMs / 60_000} minutes`,
    { value: row.holder },
  );
}

/**
 * Takes the store's rules-replay lock for a replay that stores its results, or throws
 * GONGCHE_ERR_REPLAY_RUNNING naming the replay that holds it. The lock lives in the database, so
 * it covers replays of the console and of the command alike. The holder renews it every 30 s
 * until it releases it.
 */
export function acquireReplayLock(store: Store, holder: string, logger: Logger, now = Date.now()): ReplayLock {
  const { sqlite } = store;
  const token = randomUUID();
  const take = sqlite.transaction(() => {
    const current = sqlite.prepare('SELECT token, holder, started_at, heartbeat_at FROM rules_replay_lock WHERE id = 1').get() as LockRow | undefined;
    if (current && now - current.heartbeat_at < replayLockStaleMs) throw runningError(current);
    sqlite.prepare('INSERT OR REPLACE INTO rules_replay_lock (id, token, holder, started_at, heartbeat_at) VALUES (1, ?, ?, ?, ?)').run(token, holder, now, now);
    return current;
  });
  const takenOver = take.immediate();

  const renew = sqlite.prepare('UPDATE rules_replay_lock SET heartbeat_at = ? WHERE id = 1 AND token = ?');
  const timer = setInterval(() => {
    try {
      renew.run(Date.now(), token);
    } catch (error) {
      logger.error({ err: error, holder }, 'rules replay lock not renewed; another replay may take it over once it is stale');
    }
  }, heartbeatMs);
  timer.unref();
  let released = false;
  return {
    tookOverFrom: takenOver?.holder ?? null,
    release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      sqlite.prepare('DELETE FROM rules_replay_lock WHERE id = 1 AND token = ?').run(token);
    },
  };
}
