import type { VehicleOverview } from '../api/types.ts';

export type VehicleState = 'moving' | 'stopped' | 'offline' | 'noTerminal' | 'noPosition';
export const vehicleStates: readonly VehicleState[] = ['moving', 'stopped', 'offline', 'noTerminal', 'noPosition'];

// A fix at or below this speed counts as standing still; GNSS jitter reports 1-3 km/h at rest.
const movingSpeedKmh = 5;

/** Classifies a vehicle for the map and dashboard: moving, stopped (online, not moving), offline, no terminal or no position. */
export function vehicleState(vehicle: VehicleOverview): VehicleState {
  if (!vehicle.terminal) return 'noTerminal';
  if (!vehicle.terminal.online) return 'offline';
  if (!vehicle.lastPosition) return 'noPosition';
  return vehicle.lastPosition.acc && vehicle.lastPosition.speedKmh > movingSpeedKmh ? 'moving' : 'stopped';
}
