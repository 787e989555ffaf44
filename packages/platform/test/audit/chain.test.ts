import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendAudit, AUDIT_ACTIONS } from '../../src/audit/log.ts';
import { entryDigest, GENESIS_DIGEST } from '../../src/audit/digest.ts';
import { verifyAuditChain } from '../../src/audit/verify.ts';
import type { AuditRow } from '../../src/audit/log.ts';
import { appendEntries, tamper, tempStore, type TempStore } from './store-helpers.ts';

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => t.cleanup());

const rowAt = (seq: number) => t.store.sqlite.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as AuditRow;

/** Recomputes the digest of one row in the tampered file, as an attacker with the encoding at hand would. */
function recompute(db: import('better-sqlite3').Database, seq: number): void {
  const row = db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as AuditRow;
  db.prepare('UPDATE audit_log SET digest = ? WHERE seq = ?').run(entryDigest(row), seq);
}

describe('audit chain', () => {
  test('appends numbered entries, each linked to the digest of the one before, starting from the genesis digest', () => {
    assert.deepEqual(appendEntries(t.store, 3), [1, 2, 3]);
    assert.equal(rowAt(1).prev_digest, GENESIS_DIGEST);
    assert.equal(rowAt(2).prev_digest, rowAt(1).digest);
    assert.equal(rowAt(3).prev_digest, rowAt(2).digest);
    assert.match(rowAt(3).digest, /^[0-9a-f]{64}$/);
    assert.equal(rowAt(3).digest, entryDigest(rowAt(3)));
  });

  test('records system actors and canonical detail with sorted keys', () => {
    appendAudit(t.store, { actor: 'system', action: AUDIT_ACTIONS.retentionPurged, detail: { b: 2, a: { d: 1, c: 0 } } });
    const row = rowAt(1);
    assert.equal(row.actor_username, 'system');
    assert.equal(row.actor_user_id, null);
    assert.equal(row.detail, '{"a":{"c":0,"d":1},"b":2}');
  });

  test('rejects an action name that is not dotted lowercase', () => {
    assert.throws(() => appendAudit(t.store, { actor: 'system', action: 'Login' }), /dotted lowercase/);
    assert.equal((t.store.sqlite.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n, 0);
  });

  test('joins an open transaction instead of opening its own, and rolls back with it', () => {
    const failing = t.store.sqlite.transaction(() => {
      appendAudit(t.store, { actor: 'system', action: 'settings.changed' });
      throw new Error('rolled back');
    });
    assert.throws(() => failing(), /rolled back/);
    assert.equal(appendAudit(t.store, { actor: 'system', action: 'settings.changed' }), 1);
  });

  test('verifies an intact chain and an empty one', async () => {
    assert.deepEqual(await verifyAuditChain(t.store), { ok: true, entries: 0, lastSeq: null, lastDigest: null, triggersPresent: true, checkpointsChecked: 0 });
    appendEntries(t.store, 25);
    const result = await verifyAuditChain(t.store, { pageSize: 7 });
    assert.equal(result.ok, true);
    assert.equal(result.entries, 25);
    assert.equal(result.lastSeq, 25);
    assert.equal(result.lastDigest, rowAt(25).digest);
  });

  test('the application connection cannot update or delete an entry', () => {
    appendEntries(t.store, 2);
    assert.throws(() => t.store.sqlite.prepare("UPDATE audit_log SET action = 'auth.logout' WHERE seq = 1").run(), /append-only/);
    assert.throws(() => t.store.sqlite.prepare('DELETE FROM audit_log WHERE seq = 2').run(), /append-only/);
    assert.equal(rowAt(1).action, 'positions.read');
    assert.equal((t.store.sqlite.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n, 2);
  });
});

describe('audit chain tampering', () => {
  test('names a changed entry whose digest was left as it was', async () => {
    appendEntries(t.store, 10);
    tamper(t.store, (db) => db.prepare("UPDATE audit_log SET actor_username = 'someone.else' WHERE seq = 4").run());
    const result = await verifyAuditChain(t.store);
    assert.equal(result.ok, false);
    assert.deepEqual([result.firstBad?.seq, result.firstBad?.reason], [4, 'changed']);
    assert.equal(result.triggersPresent, false);
  });

  test('names a changed entry whose digest was recomputed, through the broken link of the next entry', async () => {
    appendEntries(t.store, 10);
    tamper(t.store, (db) => {
      db.prepare(`UPDATE audit_log SET detail = '{"count":999}' WHERE seq = 6`).run();
      recompute(db, 6);
    });
    const result = await verifyAuditChain(t.store);
    assert.deepEqual([result.firstBad?.seq, result.firstBad?.reason], [6, 'changed']);
    assert.match(result.firstBad!.detail, /entry 7 still links/);
  });

  test('names the first removed entry when entries are deleted from the middle', async () => {
    appendEntries(t.store, 10);
    tamper(t.store, (db) => db.prepare('DELETE FROM audit_log WHERE seq IN (3, 4)').run());
    const result = await verifyAuditChain(t.store);
    assert.deepEqual([result.firstBad?.seq, result.firstBad?.reason], [3, 'removed']);
    assert.match(result.firstBad!.detail, /entries 3 to 4 are missing/);
  });

  test('detects the removal of the first entry', async () => {
    appendEntries(t.store, 3);
    tamper(t.store, (db) => db.prepare('DELETE FROM audit_log WHERE seq = 1').run());
    assert.deepEqual((await verifyAuditChain(t.store)).firstBad?.seq, 1);
  });

  test('detects a removal that renumbered the later entries to close the gap', async () => {
    appendEntries(t.store, 8);
    tamper(t.store, (db) => {
      db.prepare('DELETE FROM audit_log WHERE seq = 5').run();
      for (let seq = 6; seq <= 8; seq++) db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(seq - 1, seq);
    });
    const result = await verifyAuditChain(t.store);
    assert.deepEqual([result.firstBad?.seq, result.firstBad?.reason], [5, 'removed']);
    assert.match(result.firstBad!.detail, /written as entry 6/);
  });

  test('names an entry inserted with a correct digest and the later entries renumbered', async () => {
    appendEntries(t.store, 6);
    tamper(t.store, (db) => {
      for (let seq = 6; seq >= 4; seq--) db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(seq + 1, seq);
      const before = db.prepare('SELECT * FROM audit_log WHERE seq = 3').get() as AuditRow;
      const forged = { ...before, seq: 4, action: 'auth.login', detail: '{}', prev_digest: before.digest };
      db.prepare(`INSERT INTO audit_log VALUES (@seq, @at, @actor_user_id, @actor_username, @actor_role, @actor_address, @action, @object_type, @object_id, @detail, @prev_digest, @digest)`).run({ ...forged, digest: entryDigest(forged) });
    }, { dropConstraints: true });
    const result = await verifyAuditChain(t.store);
    assert.deepEqual([result.firstBad?.seq, result.firstBad?.reason], [4, 'inserted']);
  });

  test('names an inserted entry whose digest is wrong when the next entry links past it', async () => {
    appendEntries(t.store, 5);
    tamper(t.store, (db) => {
      for (let seq = 5; seq >= 3; seq--) db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(seq + 1, seq);
      const before = db.prepare('SELECT * FROM audit_log WHERE seq = 2').get() as AuditRow;
      db.prepare(`INSERT INTO audit_log VALUES (3, @at, NULL, 'x', NULL, NULL, 'auth.login', NULL, NULL, '{}', 'f00d', 'f00d')`).run({ at: before.at });
    });
    const result = await verifyAuditChain(t.store);
    assert.deepEqual([result.firstBad?.seq, result.firstBad?.reason], [3, 'inserted']);
  });

  test('names the first of two swapped entries as reordered', async () => {
    appendEntries(t.store, 6);
    tamper(t.store, (db) => {
      db.prepare('UPDATE audit_log SET seq = -1 WHERE seq = 3').run();
      db.prepare('UPDATE audit_log SET seq = 3 WHERE seq = 4').run();
      db.prepare('UPDATE audit_log SET seq = 4 WHERE seq = -1').run();
    });
    const result = await verifyAuditChain(t.store);
    assert.deepEqual([result.firstBad?.seq, result.firstBad?.reason], [3, 'reordered']);
  });

  test('names the first entry when its link to the genesis digest was altered', async () => {
    appendEntries(t.store, 3);
    tamper(t.store, (db) => {
      db.prepare(`UPDATE audit_log SET prev_digest = ? WHERE seq = 1`).run('1'.repeat(64));
      recompute(db, 1);
    });
    const result = await verifyAuditChain(t.store);
    assert.deepEqual([result.firstBad?.seq, result.firstBad?.reason], [1, 'changed']);
  });
});
