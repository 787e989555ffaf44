import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { insertFleetVehicle } from '../api/fixtures.ts';
import { purgeExpired, checkRetentionSettings } from '../../src/retention/purge.ts';
import { defaultRetentionSettings } from '../../src/config.ts';
import { verifyAuditChain } from '../../src/audit/verify.ts';
import { tempStore, type TempStore } from '../audit/store-helpers.ts';

const dayMs = 86_400_000;
const now = Date.parse('2025-06-01T00:00:00Z');
const daysAgo = (d: number) => now - d * dayMs;

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => t.cleanup());

let dedupe = 0;
/** Stores one frame and its position received at the given time; returns their ids. */
function stored(ids: { terminalId: number; vehicleId: number }, receivedAt: number) {
  const frame = t.store.sqlite
    .prepare('INSERT INTO raw_frames (terminal_id, received_at, message_id, serial, sealed) VALUES (?, ?, 512, 1, ?)')
    .run(ids.terminalId, receivedAt, Buffer.from([2, 0]));
  const position = t.store.sqlite
    .prepare(
      // The purge never opens sealed values, so a placeholder blob is enough here.
      `INSERT INTO positions (terminal_id, vehicle_id, raw_frame_id, frame_index, device_time, received_at, alarm, status, acc, fixed, batch_type, sealed, valid, invalid_reason, dedupe_key)
       VALUES (?, ?, ?, 0, ?, ?, 0, 3, 1, 1, NULL, x'00', 1, NULL, ?)`,
    )
    .run(ids.terminalId, ids.vehicleId, frame.lastInsertRowid, receivedAt, receivedAt, `k${++dedupe}`);
  return { frameId: Number(frame.lastInsertRowid), positionId: Number(position.lastInsertRowid) };
}

const exists = (table: string, id: number) => t.store.sqlite.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined;

async function fleet() {
  const a = await insertFleetVehicle(t.store.db, '喀什地区保留期测试单位', '新Q30001', '013933330001');
  const b = await insertFleetVehicle(t.store.db, '喀什地区保留期测试单位', '新Q30002', '013933330002');
  const alarmStart = daysAgo(380);
  t.store.sqlite
    .prepare("INSERT INTO emergency_alarms (terminal_id, vehicle_id, alarm_serial, started_at, last_report_at, state) VALUES (?, ?, 9, ?, ?, 'acknowledged')")
    .run(b.terminalId, b.vehicleId, alarmStart, alarmStart);
  return {
    aOld: stored(a, daysAgo(400)),
    aYoung: stored(a, daysAgo(10)),
    bBeforeAlarm: stored(b, daysAgo(390)),
    bInAlarm: stored(b, alarmStart + 10 * 60_000),
    driverFrame: Number(t.store.sqlite.prepare('INSERT INTO raw_frames (terminal_id, received_at, message_id, serial, sealed) VALUES (?, ?, 1794, 2, ?)').run(a.terminalId, daysAgo(500), Buffer.from([7, 2])).lastInsertRowid),
  };
}

describe('retention purge', () => {
  test('deletes expired positions and frames but keeps those inside an acknowledged emergency alarm span', async () => {
    const rows = await fleet();
    const result = await purgeExpired(t.store, defaultRetentionSettings, now);
    assert.equal(result.positionsDeleted, 2);
    assert.equal(result.positionsKeptForAlarms, 1);
    assert.equal(result.rawFramesDeleted, 3);
    assert.equal(result.rawFramesKeptForPositions, 1);
    assert.equal(exists('positions', rows.aOld.positionId), false);
    assert.equal(exists('raw_frames', rows.aOld.frameId), false);
    assert.equal(exists('positions', rows.bBeforeAlarm.positionId), false);
    assert.equal(exists('raw_frames', rows.driverFrame), false);
    assert.equal(exists('positions', rows.bInAlarm.positionId), true);
    assert.equal(exists('raw_frames', rows.bInAlarm.frameId), true);
    assert.equal(exists('positions', rows.aYoung.positionId), true);
  });

  test('records one retention.purged audit entry with the counts, and the chain still verifies', async () => {
    await fleet();
    const result = await purgeExpired(t.store, defaultRetentionSettings, now);
    const entry = t.store.sqlite.prepare('SELECT * FROM audit_log WHERE seq = ?').get(result.auditSeq) as { action: string; actor_username: string; detail: string };
    assert.equal(entry.action, 'retention.purged');
    assert.equal(entry.actor_username, 'system');
    assert.equal(JSON.parse(entry.detail).positionsDeleted, 2);
    assert.equal((await verifyAuditChain(t.store)).ok, true);
  });

  test('a cleared alarm no longer protects its positions', async () => {
    const rows = await fleet();
    t.store.sqlite.prepare("UPDATE emergency_alarms SET state = 'cleared', cleared_at = ?").run(daysAgo(379));
    await purgeExpired(t.store, defaultRetentionSettings, now);
    assert.equal(exists('positions', rows.bInAlarm.positionId), false);
  });

  test('a dry run counts what would go, deletes nothing and writes no audit entry', async () => {
    const rows = await fleet();
    const result = await purgeExpired(t.store, defaultRetentionSettings, now, { dryRun: true });
    assert.deepEqual([result.positionsDeleted, result.rawFramesDeleted, result.auditSeq], [2, 3, null]);
    assert.equal(exists('positions', rows.aOld.positionId), true);
    assert.equal((t.store.sqlite.prepare('SELECT count(*) AS n FROM audit_log').get() as { n: number }).n, 0);
  });

  test('purges across many batches', async () => {
    const a = await insertFleetVehicle(t.store.db, '喀什地区保留期测试单位', '新Q30009', '013933330009');
    t.store.sqlite.transaction(() => {
      for (let i = 0; i < 2500; i++) stored(a, daysAgo(400) + i);
    })();
    stored(a, daysAgo(1));
    const result = await purgeExpired(t.store, defaultRetentionSettings, now);
    assert.equal(result.positionsDeleted, 2500);
    assert.equal((t.store.sqlite.prepare('SELECT count(*) AS n FROM positions').get() as { n: number }).n, 1);
  });

  test('refuses an audit retention below 180 days and a retention that is not a whole number of days', async () => {
    assert.throws(() => checkRetentionSettings({ ...defaultRetentionSettings, auditRetentionDays: 90 }), /at least 180/);
    assert.throws(() => checkRetentionSettings({ ...defaultRetentionSettings, positionsRetentionDays: 0.5 }), /positionsRetentionDays/);
    await assert.rejects(purgeExpired(t.store, { ...defaultRetentionSettings, auditRetentionDays: 179 }, now), { code: 'GONGCHE_ERR_VALIDATION' });
  });
});
