import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendAudit } from '../../src/audit/log.ts';
import { entryDigest } from '../../src/audit/digest.ts';
import type { AuditRow } from '../../src/audit/log.ts';
import { verifyAuditChain } from '../../src/audit/verify.ts';
import { beijingDay, dailyCheckpoints, formatCheckpointSheet, parseCheckpointSheet } from '../../src/audit/checkpoints.ts';
import { tamper, tempStore, type TempStore } from './store-helpers.ts';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => t.cleanup());

/** Appends one entry at a given instant. */
function appendAt(at: string, objectId: number): number {
  const realNow = Date.now;
  Date.now = () => Date.parse(at);
  try {
    return appendAudit(t.store, { actor: 'system', action: 'settings.changed', objectId });
  } finally {
    Date.now = realNow;
  }
}

/** Three Beijing days: 1 May (2 entries), 2 May (3 entries, the first one before 08:00 Beijing on 1 May UTC's evening), 4 May (1 entry). */
function threeDays(): void {
  appendAt('2024-05-01T01:00:00+08:00', 1);
  appendAt('2024-05-01T23:59:59+08:00', 2);
  appendAt('2024-05-01T16:30:00Z', 3); // 00:30 on 2 May in Beijing
  appendAt('2024-05-02T12:00:00+08:00', 4);
  appendAt('2024-05-02T20:00:00+08:00', 5);
  appendAt('2024-05-04T09:00:00+08:00', 6);
}

/** Rewrites one entry and recomputes every digest after it, so that the chain verifies again. */
function rewriteFrom(seq: number, change: string): void {
  tamper(t.store, (db) => {
    db.prepare(`UPDATE audit_log SET ${change} WHERE seq = ?`).run(seq);
    const rows = db.prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq').all(seq) as AuditRow[];
    let prev = (db.prepare('SELECT digest FROM audit_log WHERE seq = ?').get(seq - 1) as { digest: string } | undefined)?.digest;
    for (const row of rows) {
      const fields = { ...row, prev_digest: prev ?? row.prev_digest };
      prev = entryDigest(fields);
      db.prepare('UPDATE audit_log SET prev_digest = ?, digest = ? WHERE seq = ?').run(fields.prev_digest, prev, row.seq);
    }
  });
}

describe('daily checkpoints', () => {
  test('groups entries by Beijing day with the count, last seq and digest of each day', () => {
    threeDays();
    const digest = (seq: number) => (t.store.sqlite.prepare('SELECT digest FROM audit_log WHERE seq = ?').get(seq) as { digest: string }).digest;
    assert.deepEqual(dailyCheckpoints(t.store, '2024-05-01', '2024-05-04'), [
      { day: '2024-05-01', count: 2, lastSeq: 2, digest: digest(2) },
      { day: '2024-05-02', count: 3, lastSeq: 5, digest: digest(5) },
      { day: '2024-05-04', count: 1, lastSeq: 6, digest: digest(6) },
    ]);
    assert.deepEqual(dailyCheckpoints(t.store, '2024-05-02', '2024-05-02').map((c) => c.lastSeq), [5]);
    assert.equal(beijingDay(Date.parse('2024-05-01T16:00:00Z')), '2024-05-02');
  });

  test('rejects an impossible date and a range that ends before it starts', () => {
    assert.throws(() => dailyCheckpoints(t.store, '2024-02-30', '2024-03-01'), /Invalid date "2024-02-30"/);
    assert.throws(() => dailyCheckpoints(t.store, '2024-05-03', '2024-05-01'), /must not be before/);
  });

  test('the printed sheet has Chinese and English headings and reads back to the same checkpoints', () => {
    threeDays();
    const checkpoints = dailyCheckpoints(t.store, '2024-05-01', '2024-05-04');
    const sheet = formatCheckpointSheet(checkpoints, { store: t.store.file, from: '2024-05-01', to: '2024-05-04', exportedAt: Date.now() });
    assert.match(sheet, /审计日志每日校验值/);
    assert.match(sheet, /末条SM3摘要 SM3 digest of the last entry/);
    assert.match(sheet, /盖章 Seal/);
    assert.deepEqual(parseCheckpointSheet(sheet), checkpoints);
    assert.throws(() => parseCheckpointSheet('nothing here'), /no checkpoint rows/);
  });

  test('a chain rewritten with recomputed digests verifies alone but fails against the sealed checkpoints', async () => {
    threeDays();
    const sealed = dailyCheckpoints(t.store, '2024-05-01', '2024-05-04');
    rewriteFrom(4, "actor_username = 'forged'");
    assert.equal((await verifyAuditChain(t.store)).ok, true);
    const result = await verifyAuditChain(t.store, { checkpoints: sealed });
    assert.equal(result.ok, false);
    assert.equal(result.checkpointsChecked, 3);
    // 1 May still matches, so the first bad entry lies after entry 2.
    assert.deepEqual([result.firstBad?.seq, result.firstBad?.reason], [3, 'checkpoint_mismatch']);
    assert.match(result.firstBad!.detail, /between entry 3 and entry 5/);
  });

  test('entries added after the export, even on the same day, still match the sealed checkpoints', async () => {
    threeDays();
    const sealed = dailyCheckpoints(t.store, '2024-05-01', '2024-05-04');
    appendAt('2024-05-04T22:00:00+08:00', 7);
    const result = await verifyAuditChain(t.store, { checkpoints: sealed });
    assert.equal(result.ok, true, JSON.stringify(result.firstBad));
  });

  test('a truncated tail is caught by the sealed checkpoint of the removed day', async () => {
    threeDays();
    const sealed = dailyCheckpoints(t.store, '2024-05-01', '2024-05-04');
    tamper(t.store, (db) => db.prepare('DELETE FROM audit_log WHERE seq = 6').run());
    assert.equal((await verifyAuditChain(t.store)).ok, true);
    const result = await verifyAuditChain(t.store, { checkpoints: sealed });
    assert.deepEqual([result.firstBad?.seq, result.firstBad?.reason], [6, 'removed']);
  });
});
