import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { insertFleetVehicle } from '../api/fixtures.ts';
import { purgeExpired } from '../../src/retention/purge.ts';
import { defaultRetentionSettings } from '../../src/config.ts';
import { saveAlert } from '../../src/alerts/sink.ts';
import { tempStore, type TempStore } from '../audit/store-helpers.ts';
import { alertDraft } from './harness.ts';

const dayMs = 86_400_000;
const now = Date.parse('2025-06-01T00:00:00Z');
const daysAgo = (days: number) => now - days * dayMs;

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
});
afterEach(async () => t.cleanup());

let dedupe = 0;
/** Stores one frame and its position; device time may differ from receipt (a blind-area upload). */
function stored(ids: { terminalId: number; vehicleId: number }, deviceTime: number, receivedAt = deviceTime) {
  const frame = t.store.sqlite
    .prepare('INSERT INTO raw_frames (terminal_id, received_at, message_id, serial, sealed) VALUES (?, ?, 512, 1, ?)')
    .run(ids.terminalId, receivedAt, Buffer.from([2, 0]));
  const position = t.store.sqlite
    .prepare(
      // The purge never opens sealed values, so a placeholder blob is enough here.
      `INSERT INTO positions (terminal_id, vehicle_id, raw_frame_id, frame_index, device_time, received_at, alarm, status, acc, fixed, batch_type, sealed, valid, invalid_reason, dedupe_key)
       VALUES (?, ?, ?, 0, ?, ?, 0, 3, 1, 1, NULL, x'00', 1, NULL, ?)`,
    )
    .run(ids.terminalId, ids.vehicleId, frame.lastInsertRowid, deviceTime, receivedAt, `k${++dedupe}`);
  return { frameId: Number(frame.lastInsertRowid), positionId: Number(position.lastInsertRowid) };
}

/** Stores a frame no position refers to, e.g. a driver identity report (0x0702). */
function standaloneFrame(terminalId: number, receivedAt: number): number {
  return Number(t.store.sqlite.prepare('INSERT INTO raw_frames (terminal_id, received_at, message_id, serial, sealed) VALUES (?, ?, 1794, 2, ?)').run(terminalId, receivedAt, Buffer.from([7, 2])).lastInsertRowid);
}

const exists = (table: string, id: number) => t.store.sqlite.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id) !== undefined;

/** Stores one vehicle with a night of old positions and an alert over part of it, in the given review state. */
async function nightWithAlert(state: string) {
  const ids = await insertFleetVehicle(t.store.db, '喀什地区证据保留测试单位', `新Q8${String(++dedupe).padStart(4, '0')}`, `01398888${String(dedupe).padStart(4, '0')}`);
  const night = daysAgo(400);
  const before = stored(ids, night - 3600_000);
  const first = stored(ids, night);
  const last = stored(ids, night + 3600_000);
  const after = stored(ids, night + 2 * 3600_000);
  const driverCard = standaloneFrame(ids.terminalId, night - 600_000);
  const { id } = await saveAlert(
    t.store.db,
    alertDraft(ids, {
      start: night,
      end: night + 3600_000,
      evidence: { positionRange: { vehicleId: ids.vehicleId, from: night, to: night + 3600_000 }, positionIds: [first.positionId, last.positionId], rawFrameIds: [first.frameId, driverCard], placeId: null, tripOrderId: null, orderAbsent: true, tripId: null },
    }),
    night + 3600_000,
  );
  t.store.sqlite.prepare('UPDATE alerts SET state = ? WHERE id = ?').run(state, id);
  return { ids, before, first, last, after, driverCard };
}

for (const state of ['pending', 'explained', 'confirmed']) {
  test(`${state} alert keeps its evidence`, async () => {
    const rows = await nightWithAlert(state);
    const result = await purgeExpired(t.store, defaultRetentionSettings, now);
    assert.equal(exists('positions', rows.first.positionId), true);
    assert.equal(exists('positions', rows.last.positionId), true, 'the range end is kept');
    assert.equal(exists('raw_frames', rows.first.frameId), true);
    assert.equal(exists('raw_frames', rows.last.frameId), true, 'frames of kept positions stay');
    assert.equal(exists('raw_frames', rows.driverCard), true, 'a frame named as evidence stays');
    assert.equal(exists('positions', rows.before.positionId), false, 'positions outside the range go');
    assert.equal(exists('positions', rows.after.positionId), false);
    assert.equal(exists('raw_frames', rows.after.frameId), false);
    assert.equal(result.positionsKeptForAlerts, 2);
    assert.equal(result.rawFramesKeptForAlerts, 1);
    assert.equal(result.rawFramesKeptForPositions, 2);
  });
}

for (const state of ['dismissed', 'rectified']) {
  test(`${state} alert releases its evidence`, async () => {
    const rows = await nightWithAlert(state);
    const result = await purgeExpired(t.store, defaultRetentionSettings, now);
    assert.equal(exists('positions', rows.first.positionId), false);
    assert.equal(exists('raw_frames', rows.driverCard), false);
    assert.equal(result.positionsKeptForAlerts, 0);
    assert.equal(result.rawFramesKeptForAlerts, 0);
  });
}

test('late upload in range is kept', async () => {
  const rows = await nightWithAlert('pending');
  // Recorded during the night, uploaded from the blind area two days later: kept by its device time.
  const late = stored(rows.ids, daysAgo(400) + 1800_000, daysAgo(398));
  const otherVehicle = await insertFleetVehicle(t.store.db, '喀什地区证据保留测试单位', '新Q89999', '013988889999');
  const sameTimeOtherVehicle = stored(otherVehicle, daysAgo(400) + 1800_000);
  await purgeExpired(t.store, defaultRetentionSettings, now);
  assert.equal(exists('positions', late.positionId), true);
  assert.equal(exists('positions', sameTimeOtherVehicle.positionId), false, 'the range holds only its own vehicle');
});

test('dry run counts alert evidence', async () => {
  const rows = await nightWithAlert('confirmed');
  const result = await purgeExpired(t.store, defaultRetentionSettings, now, { dryRun: true });
  assert.equal(result.positionsKeptForAlerts, 2);
  assert.equal(result.positionsDeleted, 2);
  assert.equal(result.rawFramesKeptForAlerts, 1);
  assert.equal(exists('positions', rows.before.positionId), true);
});

test('purge audit records alert counts', async () => {
  await nightWithAlert('pending');
  const result = await purgeExpired(t.store, defaultRetentionSettings, now);
  const entry = t.store.sqlite.prepare('SELECT detail FROM audit_log WHERE seq = ?').get(result.auditSeq) as { detail: string };
  const detail = JSON.parse(entry.detail);
  assert.equal(detail.positionsKeptForAlerts, 2);
  assert.equal(detail.rawFramesKeptForAlerts, 1);
});
