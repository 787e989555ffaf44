import type { Store } from '../store/db.ts';
import { requireKeyring } from '../crypto/setup.ts';
import { PositionReader } from '../ingest/sealed-rows.ts';
import { positionsWithFrames, sealedRow } from '../api/positions-query.ts';
import type { LatLon } from './routes.ts';

/**
 * Reads the last valid stored fix of each vehicle, latest device time first: the fix that the
 * device_jump_after_silence rule compares the vehicle's next report with. A simulated terminal
 * that starts there does not look like a vehicle that moved while its terminal was silent.
 * Vehicles without a valid fix are left out. Needs the store's keyring, because coordinates are sealed.
 */
export async function readLastFixes(store: Store, vehicleIds: readonly number[]): Promise<Map<number, LatLon>> {
  const reader = new PositionReader(requireKeyring(store));
  const fixes = new Map<number, LatLon>();
  for (const vehicleId of vehicleIds) {
    const row = await positionsWithFrames(store.db)
      .where('positions.vehicle_id', '=', vehicleId)
      .where('positions.valid', '=', 1)
      .where('positions.device_time', 'is not', null)
      .orderBy('positions.device_time', 'desc')
      .orderBy('positions.id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) continue;
    const values = reader.values(sealedRow(row));
    fixes.set(vehicleId, { latitude: values.latitude, longitude: values.longitude });
  }
  return fixes;
}
