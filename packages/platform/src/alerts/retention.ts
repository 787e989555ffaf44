import type { Store } from '../store/db.ts';

/**
 * Review states whose evidence the retention purge keeps: alerts still under review, and
 * confirmed violations, whose proof must outlive the positions' retention. Dismissed and
 * rectified alerts release their evidence.
 */
export const evidenceKeepingStates = ['pending', 'explained', 'confirmed'] as const;

/** The evidence of the alerts that keep theirs: per vehicle, the device-time ranges, and the raw frame ids. */
export interface AlertEvidenceHold {
  /** True when a position of this vehicle and device time lies in a kept evidence range. */
  holdsPosition(vehicleId: number | null, deviceTime: number | null): boolean;
  holdsFrame(rawFrameId: number): boolean;
  alerts: number;
}

/** Merges overlapping [from, to] ranges; the input is sorted by from. */
function mergeRanges(sorted: [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [from, to] of sorted) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function inRanges(ranges: readonly [number, number][], time: number): boolean {
  let low = 0;
  let high = ranges.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [from, to] = ranges[middle]!;
    if (time < from) high = middle - 1;
    else if (time > to) low = middle + 1;
    else return true;
  }
  return false;
}

/**
 * Loads the evidence that the purge must keep. Positions are held by the alert's evidence range
 * (vehicle and device time). Raw frames are held by id, and also through the kept positions that
 * refer to them.
 *
 * NOTE: a sampled position id outside its alert's own evidence range is not held; detectors
 * take the samples from the range.
 */
export function loadAlertEvidenceHold(store: Store): AlertEvidenceHold {
  const states = evidenceKeepingStates.map(() => '?').join(', ');
  const rows = store.sqlite
    .prepare(`SELECT vehicle_id, evidence_from, evidence_to, raw_frame_ids FROM alerts WHERE state IN (${states}) ORDER BY vehicle_id, evidence_from`)
    .all(...evidenceKeepingStates) as { vehicle_id: number; evidence_from: number; evidence_to: number; raw_frame_ids: string }[];

  const rangesByVehicle = new Map<number, [number, number][]>();
  const frames = new Set<number>();
  for (const row of rows) {
    let ranges = rangesByVehicle.get(row.vehicle_id);
    if (!ranges) rangesByVehicle.set(row.vehicle_id, (ranges = []));
    ranges.push([row.evidence_from, row.evidence_to]);
    for (const id of JSON.parse(row.raw_frame_ids) as number[]) frames.add(id);
  }
  for (const [vehicleId, ranges] of rangesByVehicle) rangesByVehicle.set(vehicleId, mergeRanges(ranges));

  return {
    holdsPosition(vehicleId, deviceTime) {
      if (vehicleId === null || deviceTime === null) return false;
      const ranges = rangesByVehicle.get(vehicleId);
      return ranges !== undefined && inRanges(ranges, deviceTime);
    },
    holdsFrame: (rawFrameId) => frames.has(rawFrameId),
    alerts: rows.length,
  };
}
