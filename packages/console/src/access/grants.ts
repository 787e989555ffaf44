import type { Role } from '../api/types.ts';

/**
 * The capabilities of each role, copied from packages/platform/src/api/access.ts so that the
 * console shows each role only the pages it may use. The server enforces them on every request;
 * packages/platform/test/console/grants.test.ts fails when the two copies differ.
 */
export type Capability =
  | 'units.read'
  | 'units.write'
  | 'vehicles.read'
  | 'vehicles.write'
  | 'terminals.read'
  | 'terminals.write'
  | 'positions.read'
  | 'alarms.read'
  | 'alarms.acknowledge'
  | 'users.manage'
  | 'second_factor.reset'
  | 'security.manage'
  | 'audit.read'
  | 'rollout.read'
  | 'rollout.manage'
  | 'forms.read'
  | 'forms.write'
  | 'forms.review'
  | 'exemptions.read'
  | 'work_orders.read'
  | 'work_orders.write'
  | 'contracts.write'
  | 'places.read'
  | 'places.write'
  | 'orders.read'
  | 'orders.write'
  | 'orders.approve'
  | 'drivers.read'
  | 'drivers.write'
  | 'duty.read'
  | 'duty.request'
  | 'duty.approve'
  | 'calendar.read'
  | 'calendar.write'
  /** Read alerts (negative list and device integrity) with their evidence and attachments. */
  | 'alerts.read'
  /** Explain an alert about a vehicle of one's own unit. */
  | 'alerts.explain'
  /** Report the rectification of a confirmed alert of one's own unit. */
  | 'alerts.rectify'
  /** Confirm an alert as a violation or dismiss it with a reason. */
  | 'alerts.decide'
  /** Read rule templates, rule settings and a vehicle's effective rules. */
  | 'rules.read'
  /** Change rule templates, rule settings and vehicles' own rules. */
  | 'rules.manage';

const registryAdmin: Capability[] = ['units.read', 'units.write', 'vehicles.read', 'vehicles.write', 'terminals.read', 'terminals.write'];
// Facts the use-supervision rules read: unit staff keep their own drivers, trip orders and duty requests.
const factsReader: Capability[] = ['places.read', 'orders.read', 'drivers.read', 'duty.read', 'calendar.read'];
const factsUnitStaff: Capability[] = [...factsReader, 'orders.write', 'drivers.write', 'duty.request'];
const unitStaff: Capability[] = ['units.read', 'vehicles.read', 'terminals.read', 'positions.read', 'alarms.read', 'alarms.acknowledge', 'forms.read', 'forms.write', 'work_orders.read', 'contracts.write', ...factsUnitStaff, 'alerts.read', 'alerts.explain', 'alerts.rectify', 'rules.read'];
const rolloutAdmin: Capability[] = ['rollout.read', 'rollout.manage', 'forms.read', 'forms.review', 'exemptions.read', 'work_orders.read', 'work_orders.write', 'contracts.write'];

// Three separated administrator duties (三员分立). sys_admin runs accounts and the registry but
// reads no positions and no audit log. security_admin runs security policy, keys and second
// factors. auditor reads the audit log only. No account has two roles.
export const grants: Record<Role, readonly Capability[]> = {
  bureau_admin: [...registryAdmin, 'positions.read', 'alarms.read', 'alarms.acknowledge', ...rolloutAdmin, ...factsUnitStaff, 'places.write', 'orders.approve', 'duty.approve', 'calendar.write', 'alerts.read', 'alerts.decide', 'rules.read', 'rules.manage'],
  inspector: ['units.read', 'vehicles.read', 'terminals.read', 'positions.read', 'alarms.read', 'rollout.read', 'forms.read', 'exemptions.read', 'work_orders.read', ...factsReader, 'alerts.read', 'rules.read'],
  // Supervising departments give the preliminary opinion on their subordinate units' forms.
  // A supervising department also approves the trip orders of its own and its subordinate units.
  unit_supervisor: [...unitStaff, 'forms.review', 'exemptions.read', 'orders.approve'],
  unit_operator: unitStaff,
  // Installers bind terminals to vehicles and check them online; they see no positions.
  installer: ['units.read', 'vehicles.read', 'terminals.read', 'terminals.write', 'work_orders.read', 'work_orders.write'],
  // The Secrecy Bureau reviews exemption applications jointly with the bureau and sees nothing else of the rollout.
  secrecy_reviewer: ['units.read', 'vehicles.read', 'exemptions.read', 'forms.review'],
  sys_admin: [...registryAdmin, 'users.manage'],
  security_admin: ['second_factor.reset', 'security.manage'],
  auditor: ['audit.read'],
};

export function can(role: Role | undefined, capability: Capability): boolean {
  return role !== undefined && grants[role].includes(capability);
}
