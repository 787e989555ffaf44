import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../../src/store/db.ts';
import { createLogger } from '../../../src/logger.ts';
import { acquireReplayLock, replayLockStaleMs } from '../../../src/rules/engine/replay-lock.ts';

const logger = createLogger({ level: 'silent' });
let dir: string;
let store: Store;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-replay-lock-'));
  store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
});
after(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function rejection(work: () => unknown): { code: string; value: unknown; message: string } {
  try {
    work();
  } catch (error) {
    return error as { code: string; value: unknown; message: string };
  }
  assert.fail('expected the lock to be rejected');
}

test('second lock names the holder', () => {
  const first = acquireReplayLock(store, 'console replay #1 by admin', logger);
  const rejected = rejection(() => acquireReplayLock(store, 'command-line replay', logger));
  assert.equal(rejected.code, 'GONGCHE_ERR_REPLAY_RUNNING');
  assert.equal(rejected.value, 'console replay #1 by admin');
  assert.match(rejected.message, /Wait until it is done/);

  first.release();
  const second = acquireReplayLock(store, 'command-line replay', logger);
  assert.equal(second.tookOverFrom, null);
  second.release();
  second.release();
  assert.equal((store.sqlite.prepare('SELECT COUNT(*) AS n FROM rules_replay_lock').get() as { n: number }).n, 0);
});

test('stale lock is taken over', () => {
  const startedAt = Date.now() - replayLockStaleMs - 1_000;
  const crashed = acquireReplayLock(store, 'command-line replay (killed)', logger, startedAt);
  const fresh = acquireReplayLock(store, 'console replay #2 by admin', logger);
  assert.equal(fresh.tookOverFrom, 'command-line replay (killed)');

  crashed.release();
  const row = store.sqlite.prepare('SELECT holder FROM rules_replay_lock').get() as { holder: string } | undefined;
  assert.equal(row?.holder, 'console replay #2 by admin', 'the old holder cannot release the new lock');
  fresh.release();
});

test('lock just under stale age holds', () => {
  const recent = acquireReplayLock(store, 'console replay #3 by admin', logger, Date.now() - replayLockStaleMs + 5_000);
  assert.equal(rejection(() => acquireReplayLock(store, 'command-line replay', logger)).code, 'GONGCHE_ERR_REPLAY_RUNNING');
  recent.release();
});
