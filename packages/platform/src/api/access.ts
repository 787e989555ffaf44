import { forbidden } from '../errors.ts';
import type { Role, User } from '../security/users.ts';

/**
 * Role checks of the API in one place. Registry reads are open to every logged-in user;
 * writes and position reads are limited as below.
 */
const registryWriters: readonly Role[] = ['bureau_admin', 'sys_admin'];
const positionReaders: readonly Role[] = ['bureau_admin', 'inspector', 'unit_supervisor', 'unit_operator'];
const alarmHandlers: readonly Role[] = ['bureau_admin', 'unit_supervisor', 'unit_operator'];

// TODO: unit_supervisor and inspector see every unit until unit scoping (supervised units, inspection orders) is modelled.

function requireRole(user: User, allowed: readonly Role[], action: string): void {
  if (!allowed.includes(user.role)) {
    throw forbidden(`Role ${user.role} may not ${action}; allowed roles: ${allowed.join(', ')}`);
  }
}

/** Throws 403 unless the user may create or change units, vehicles and terminals. */
export function assertRegistryWrite(user: User): void {
  requireRole(user, registryWriters, 'change the registry');
}

/** Returns the only unit whose vehicles the user may see, or null for no restriction. */
export function vehicleUnitScope(user: User): number | null {
  if (user.role !== 'unit_operator') return null;
  // A unit operator without a unit sees nothing: -1 matches no unit id.
  return user.unitId ?? -1;
}

/** Throws 403 unless the user may see this vehicle at all. */
export function assertVehicleVisible(user: User, vehicle: { id: number; unitId: number }): void {
  const scope = vehicleUnitScope(user);
  if (scope !== null && scope !== vehicle.unitId) {
    throw forbidden(`Vehicle ${vehicle.id} belongs to another unit; a unit operator sees only the vehicles of its own unit`);
  }
}

/** Returns whether the user's role may read positions at all (scoping aside). */
export function canReadPositions(user: User): boolean {
  return positionReaders.includes(user.role);
}

/** Throws 403 unless the user may read the positions of this vehicle. */
export function assertPositionRead(user: User, vehicle: { id: number; unitId: number }): void {
  requireRole(user, positionReaders, 'read vehicle positions');
  assertVehicleVisible(user, vehicle);
}

/** Throws 403 unless the user may list emergency alarms. */
export function assertAlarmRead(user: User): void {
  requireRole(user, positionReaders, 'read emergency alarms');
}

/** Throws 403 unless the user may acknowledge an emergency alarm of a vehicle of this unit (null when unknown). */
export function assertAlarmAcknowledge(user: User, vehicle: { id: number | null; unitId: number | null }): void {
  requireRole(user, alarmHandlers, 'acknowledge emergency alarms');
  const scope = vehicleUnitScope(user);
  if (scope !== null && scope !== vehicle.unitId) {
    throw forbidden(`Alarm of vehicle ${vehicle.id ?? 'unknown'} belongs to another unit; a unit operator handles only its own unit's alarms`);
  }
}
