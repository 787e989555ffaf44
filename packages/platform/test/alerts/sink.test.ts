import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../src/store/db.ts';
import { saveAlert, unionCapped, maxPositionIds } from '../../src/alerts/sink.ts';
import type { AlertDraft } from '../../src/rules/engine/types.ts';
import { insertFleetVehicle } from '../api/fixtures.ts';

const t0 = Date.UTC(2025, 9, 8, 14, 0); // 22:00 Beijing time

function draft(ids: { unitId: number; vehicleId: number }, overrides: Partial<AlertDraft> = {}): AlertDraft {
  return {
    key: `non_official_place:${ids.vehicleId}:${t0}`,
    rule: 'non_official_place',
    vehicleId: ids.vehicleId,
    unitId: ids.unitId,
    start: t0,
    end: t0 + 30 * 60_000,
    severity: 'medium',
    late: false,
    facts: { dwellS: 1800, placeName: '喀什宾馆' },
    evidence: {
      positionRange: { vehicleId: ids.vehicleId, from: t0, to: t0 + 30 * 60_000 },
      positionIds: [1, 2, 3],
      rawFrameIds: [11, 12],
      placeId: 7,
      tripOrderId: null,
      orderAbsent: true,
      tripId: null,
    },
    ...overrides,
  };
}

async function withStore(run: (store: Store, ids: { unitId: number; vehicleId: number; terminalId: number }) => Promise<void>) {
  const store = await openStore({ file: ':memory:' });
  try {
    const ids = await insertFleetVehicle(store.db, '喀什地区财政局', '新Q·A1234', '013900000001');
    await run(store, ids);
  } finally {
    await store.close();
  }
}

test('same key merges into one alert', async () => {
  await withStore(async (store, ids) => {
    const first = await saveAlert(store.db, draft(ids), t0 + 1000);
    const second = await saveAlert(store.db, draft(ids), t0 + 2000);
    assert.deepEqual(first, { id: first.id, created: true, reinstated: null });
    assert.deepEqual(second, { id: first.id, created: false, reinstated: null });
    const rows = await store.db.selectFrom('alerts').selectAll().execute();
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.terminal_id, ids.terminalId, 'the vehicle\'s bound terminal when no position names one');
  });
});

test('merge extends span and evidence', async () => {
  await withStore(async (store, ids) => {
    const { id } = await saveAlert(store.db, draft(ids), t0 + 1000);
    const later = draft(ids, {
      end: t0 + 3 * 3600_000,
      severity: 'high',
      late: true,
      facts: { dwellS: 10800 },
      evidence: { positionRange: { vehicleId: ids.vehicleId, from: t0 + 3600_000, to: t0 + 3 * 3600_000 }, positionIds: [3, 4, 5], rawFrameIds: [13], placeId: null, tripOrderId: null, orderAbsent: true, tripId: 9 },
    });
    await saveAlert(store.db, later, t0 + 5000);
    const row = await store.db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.start_at, t0);
    assert.equal(row.end_at, t0 + 3 * 3600_000);
    assert.equal(row.evidence_from, t0);
    assert.equal(row.evidence_to, t0 + 3 * 3600_000);
    assert.deepEqual(JSON.parse(row.position_ids), [1, 2, 3, 4, 5]);
    assert.deepEqual(JSON.parse(row.raw_frame_ids), [11, 12, 13]);
    assert.deepEqual(JSON.parse(row.facts), { dwellS: 10800, placeName: '喀什宾馆' });
    assert.equal(row.severity, 'high');
    assert.equal(row.late, 1);
    assert.equal(row.place_id, 7, 'a merge without a place keeps the known place');
    assert.equal(row.trip_id, 9);
    assert.equal(row.order_absent, 1);
    assert.equal(row.created_at, t0 + 1000);
    assert.equal(row.updated_at, t0 + 5000);
  });
});

test('merge never lowers the severity', async () => {
  await withStore(async (store, ids) => {
    const { id } = await saveAlert(store.db, draft(ids, { severity: 'high' }), t0);
    await saveAlert(store.db, draft(ids, { severity: 'low' }), t0 + 1);
    const row = await store.db.selectFrom('alerts').select('severity').where('id', '=', id).executeTakeFirstOrThrow();
    assert.equal(row.severity, 'high');
  });
});

test('closed alert stays closed on merge', async () => {
  await withStore(async (store, ids) => {
    for (const state of ['dismissed', 'confirmed', 'rectified', 'explained']) {
      const key = `non_official_place:${ids.vehicleId}:${state}`;
      const { id } = await saveAlert(store.db, draft(ids, { key }), t0);
      await store.db.updateTable('alerts').set({ state }).where('id', '=', id).execute();
      const merged = await saveAlert(store.db, draft(ids, { key, end: t0 + 7200_000 }), t0 + 10);
      assert.deepEqual(merged, { id, created: false, reinstated: null });
      const row = await store.db.selectFrom('alerts').select(['state', 'end_at']).where('id', '=', id).executeTakeFirstOrThrow();
      assert.equal(row.state, state);
      assert.equal(row.end_at, t0 + 7200_000);
    }
  });
});

test('merge reinstates a withdrawn alert', async () => {
  await withStore(async (store, ids) => {
    const withdrawn = await saveAlert(store.db, draft(ids, { key: `non_official_place:${ids.vehicleId}:withdrawn` }), t0);
    const flagged = await saveAlert(store.db, draft(ids, { key: `non_official_place:${ids.vehicleId}:flagged` }), t0);
    const replay = JSON.stringify({ reason: 'replay_not_reproduced' });
    await store.db.updateTable('alerts').set({ withdrawn_at: t0 + 5, not_reproduced_at: t0 + 5, not_reproduced: replay }).where('id', '=', withdrawn.id).execute();
    await store.db.updateTable('alerts').set({ state: 'confirmed', not_reproduced_at: t0 + 5, not_reproduced: replay }).where('id', '=', flagged.id).execute();

    assert.deepEqual(await saveAlert(store.db, draft(ids, { key: `non_official_place:${ids.vehicleId}:withdrawn` }), t0 + 10), { id: withdrawn.id, created: false, reinstated: 'withdrawn' });
    assert.deepEqual(await saveAlert(store.db, draft(ids, { key: `non_official_place:${ids.vehicleId}:flagged` }), t0 + 10), { id: flagged.id, created: false, reinstated: 'not_reproduced' });
    const rows = await store.db.selectFrom('alerts').select(['id', 'state', 'withdrawn_at', 'not_reproduced_at', 'not_reproduced']).orderBy('id').execute();
    assert.deepEqual(rows, [
      { id: withdrawn.id, state: 'pending', withdrawn_at: null, not_reproduced_at: null, not_reproduced: null },
      { id: flagged.id, state: 'confirmed', withdrawn_at: null, not_reproduced_at: null, not_reproduced: null },
    ]);
  });
});

test('order found clears the absence flag', async () => {
  await withStore(async (store, ids) => {
    const { id } = await saveAlert(store.db, draft(ids), t0);
    const base = draft(ids);
    await saveAlert(store.db, { ...base, evidence: { ...base.evidence, tripOrderId: 42, orderAbsent: false } }, t0 + 1);
    const row = await store.db.selectFrom('alerts').select(['trip_order_id', 'order_absent']).where('id', '=', id).executeTakeFirstOrThrow();
    assert.deepEqual(row, { trip_order_id: 42, order_absent: 0 });
  });
});

test('key of another rule is rejected', async () => {
  await withStore(async (store, ids) => {
    await saveAlert(store.db, draft(ids), t0);
    await assert.rejects(saveAlert(store.db, draft(ids, { rule: 'holiday_use' }), t0 + 1), { code: 'GONGCHE_ERR_ALERT_KEY_CLASH' });
  });
});

test('malformed drafts are rejected with the field', async () => {
  await withStore(async (store, ids) => {
    await assert.rejects(saveAlert(store.db, draft(ids, { rule: 'parking_anywhere' as AlertDraft['rule'] }), t0), (error: { code: string; message: string }) => {
      assert.equal(error.code, 'GONGCHE_ERR_VALIDATION');
      assert.match(error.message, /unknown rule code parking_anywhere/);
      return true;
    });
    await assert.rejects(saveAlert(store.db, draft(ids, { end: t0 - 1 }), t0), /end .* lies before start/);
    await assert.rejects(saveAlert(store.db, draft(ids, { severity: 'urgent' as AlertDraft['severity'] }), t0), /severity must be/);
    const count = await store.db.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    assert.equal(Number(count.n), 0);
  });
});

test('id union keeps spread sample', () => {
  const many = Array.from({ length: 1000 }, (_, i) => i + 1);
  const sample = unionCapped(many, [5000], maxPositionIds);
  assert.equal(sample.length, maxPositionIds);
  assert.equal(sample[0], 1);
  assert.equal(sample.at(-1), 5000);
  assert.deepEqual([...sample].sort((a, b) => a - b), sample);
  assert.equal(new Set(sample).size, sample.length);
  assert.deepEqual(unionCapped([3, 1], [2, 3], 10), [1, 2, 3]);
});
