import assert from 'node:assert/strict';
import type { Selectable } from 'kysely';
import type { AlertTable } from '../../../src/store/schema-alerts.ts';
import type { RulesHarness } from '../../helpers/rules-harness.ts';

/** Returns the alerts of one rule for one vehicle, with their facts parsed. */
export async function alertsOf(h: RulesHarness, rule: string, vehicleId: number) {
  const rows = await h.alerts({ rule, vehicleId });
  return rows.map((row) => ({ ...row, facts: JSON.parse(row.facts) as Record<string, unknown> }));
}

/** Checks that every position an alert names as evidence is stored for its vehicle, within its evidence range. */
export async function assertEvidenceStored(h: RulesHarness, alert: Selectable<AlertTable> | Awaited<ReturnType<typeof alertsOf>>[number]): Promise<void> {
  const ids = JSON.parse(alert.position_ids) as number[];
  assert.ok(ids.length > 0, `alert ${alert.key} names its positions`);
  const rows = await h.db.selectFrom('positions').select(['id', 'vehicle_id', 'device_time']).where('id', 'in', ids).execute();
  assert.equal(rows.length, ids.length, 'every evidence position is stored');
  for (const row of rows) {
    assert.equal(row.vehicle_id, alert.vehicle_id);
    assert.notEqual(row.device_time, null);
    assert.ok(row.device_time! >= alert.evidence_from - 60_000, `position ${row.id} is not before the evidence range`);
    assert.ok(row.device_time! <= alert.evidence_to + 60_000, `position ${row.id} is not after the evidence range`);
  }
}
