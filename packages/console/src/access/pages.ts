import type { Role } from '../api/types.ts';
import { can, type Capability } from './grants.ts';

/** A page of the console and who may open it: every role with the capability, or only the listed roles. */
export interface PageAccess {
  capability?: Capability;
  roles?: readonly Role[];
}

// The audit log is the auditor's alone (三员分立); the server checks the role, not a capability.
export const pageAccess = {
  dashboard: { capability: 'positions.read' },
  map: { capability: 'positions.read' },
  track: { capability: 'positions.read' },
  registration: { capability: 'forms.write' },
  reviews: { capability: 'forms.review' },
  workOrders: { capability: 'work_orders.read' },
  acceptance: { capability: 'rollout.read' },
  bulletins: { capability: 'rollout.read' },
  inspections: { capability: 'rollout.read' },
  batches: { capability: 'rollout.manage' },
  audit: { roles: ['auditor'] },
  users: { capability: 'users.manage' },
  registry: { capability: 'vehicles.write' },
  alerts: { capability: 'alerts.read' },
  places: { capability: 'places.read' },
  orders: { capability: 'orders.read' },
  drivers: { capability: 'drivers.read' },
  duty: { capability: 'duty.read' },
  calendar: { capability: 'calendar.read' },
  rules: { capability: 'rules.read' },
  trips: { capability: 'positions.read' },
  security: { capability: 'security.manage' },
} as const satisfies Record<string, PageAccess>;

export type PageName = keyof typeof pageAccess;

export function mayOpen(role: Role | undefined, access: PageAccess): boolean {
  if (role === undefined) return false;
  if (access.roles && !access.roles.includes(role)) return false;
  return access.capability === undefined || can(role, access.capability);
}

/** Returns the first page a role lands on after log-in. */
export function homePage(role: Role): PageName | 'welcome' {
  const order: PageName[] = ['dashboard', 'workOrders', 'reviews', 'registration', 'audit', 'users', 'security'];
  return order.find((page) => mayOpen(role, pageAccess[page])) ?? 'welcome';
}
