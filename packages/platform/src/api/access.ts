import { sql, type Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import type { Store } from '../store/db.ts';
import type { LeadershipVehicleSettings } from '../config.ts';
import { forbidden, invalid, notFound } from '../errors.ts';
import type { FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/log.ts';
import { requestActor } from '../audit/actors.ts';
import { currentUser } from './authentication.ts';
import type { Role, User } from '../security/users.ts';

/**
 * Every role rule of the platform: what each role may do (capabilities), which units' data it
 * sees (unit scope) and how it sees leadership vehicles. Routes, and later the live position
 * feed, ask only these functions.
 *
 * Denials: a role without the capability for a kind of resource gets 403 before any lookup, so
 * the answer does not depend on the id. An id outside the user's unit scope gets the same 404
 * as an id that does not exist (and an access.denied audit entry), so ids of other units leak
 * nothing. Lists are filtered to the scope.
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
const grants: Record<Role, readonly Capability[]> = {
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

type ScopeKind = 'all' | 'subtree' | 'own' | 'none';

const scopeKinds: Record<Role, ScopeKind> = {
  bureau_admin: 'all',
  inspector: 'all',
  installer: 'all',
  secrecy_reviewer: 'all',
  sys_admin: 'all',
  unit_supervisor: 'subtree',
  unit_operator: 'own',
  security_admin: 'none',
  auditor: 'none',
};

export function hasCapability(user: User, capability: Capability): boolean {
  return grants[user.role].includes(capability);
}

/** Throws 403 GONGCHE_ERR_FORBIDDEN unless the user's role has the capability. */
export function assertCapability(user: User, capability: Capability): void {
  if (hasCapability(user, capability)) return;
  const roles = (Object.keys(grants) as Role[]).filter((role) => grants[role].includes(capability));
  throw forbidden(`Role ${user.role} lacks the permission ${capability}; roles that have it: ${roles.join(', ')}`);
}

/** The units whose data a user sees: every unit, or a fixed set (empty for a unit-scoped user without a unit). */
export type UnitScope = { all: true } | { all: false; unitIds: readonly number[] };

/** Returns the unit and every unit below it through supervising_unit_id, at any depth; UNION stops at cycles. */
export async function unitSubtree(db: Kysely<Database>, unitId: number): Promise<number[]> {
  const result = await sql<{ id: number }>`
    WITH RECURSIVE subtree(id) AS (
      SELECT id FROM units WHERE id = ${unitId}
      UNION
      SELECT u.id FROM units u JOIN subtree s ON u.supervising_unit_id = s.id
    )
    SELECT id FROM subtree ORDER BY id`.execute(db);
  return result.rows.map((row) => row.id);
}

// One scope per User object; the authentication hook builds a new User for each request, so this caches per request.
const scopeCache = new WeakMap<User, Promise<UnitScope>>();

async function computeScope(db: Kysely<Database>, user: User): Promise<UnitScope> {
  const kind = scopeKinds[user.role];
  if (kind === 'all') return { all: true };
  if (kind === 'none' || user.unitId === null) return { all: false, unitIds: [] };
  if (kind === 'own') return { all: false, unitIds: [user.unitId] };
  return { all: false, unitIds: await unitSubtree(db, user.unitId) };
}

/** Returns the user's unit scope, computed once per User object. */
export function unitScope(db: Kysely<Database>, user: User): Promise<UnitScope> {
  let scope = scopeCache.get(user);
  if (!scope) {
    scope = computeScope(db, user);
    scopeCache.set(user, scope);
  }
  return scope;
}

/** Returns whether a unit (null: a resource of no unit, such as an unbound terminal) lies in the scope. */
export function inScope(scope: UnitScope, unitId: number | null): boolean {
  if (scope.all) return true;
  return unitId !== null && scope.unitIds.includes(unitId);
}

/**
 * Throws the 404 that a missing id gets unless the resource's unit lies in the scope of the
 * request's user, and records the attempt as access.denied in the audit log.
 */
export async function assertInScope(store: Store, request: FastifyRequest, resource: { kind: string; id: number; unitId: number | null }): Promise<void> {
  const user = currentUser(request);
  const scope = await unitScope(store.db, user);
  if (inScope(scope, resource.unitId)) return;
  appendAudit(store, {
    actor: requestActor(request),
    action: 'access.denied',
    objectType: resource.kind.toLowerCase().replaceAll(' ', '_'),
    objectId: resource.id,
    detail: { reason: 'outside_unit_scope', unitId: resource.unitId, userUnitId: user.unitId },
  });
  request.log.info({ userId: user.id, kind: resource.kind, id: resource.id }, 'access outside unit scope denied');
  throw notFound(resource.kind, resource.id);
}

/** 领导保障用车: the usage nature whose live positions are restricted. */
export const leadershipUsageNature = '领导保障用车';

/**
 * A user's view of a vehicle's positions: live, only those before a time (delayed), or none.
 * For a leadership vehicle, live needs a matching liveViewers rule and a stated reason.
 */
export type PositionView = { kind: 'live' } | { kind: 'delayed'; before: number } | { kind: 'none' };

export function isLeadershipVehicle(vehicle: { usageNature: string | null }): boolean {
  return vehicle.usageNature === leadershipUsageNature;
}

/** Returns whether the user matches a rule of the live viewers of leadership vehicles. */
export function isLiveLeadershipViewer(user: User, settings: LeadershipVehicleSettings): boolean {
  return settings.liveViewers.some((rule) => rule.role === user.role && (rule.unitId === undefined || rule.unitId === user.unitId));
}

/** Returns how the user sees leadership vehicles' positions at `now`, given whether a reason was stated. */
export function leadershipView(user: User, settings: LeadershipVehicleSettings, reasonStated: boolean, now = Date.now()): PositionView {
  if (!hasCapability(user, 'positions.read')) return { kind: 'none' };
  if (reasonStated && isLiveLeadershipViewer(user, settings)) return { kind: 'live' };
  if (settings.othersDelayS === null) return { kind: 'none' };
  return { kind: 'delayed', before: now - settings.othersDelayS * 1000 };
}

/**
 * Builds the filter a live position feed applies per vehicle: null when the user may not see
 * the vehicle's positions at all, otherwise the view. Position routes use the same rules.
 */
export async function positionFilter(
  db: Kysely<Database>,
  user: User,
  settings: LeadershipVehicleSettings,
  reason: string | null,
): Promise<(vehicle: { unitId: number; usageNature: string | null }, now?: number) => PositionView | null> {
  if (!hasCapability(user, 'positions.read')) return () => null;
  const scope = await unitScope(db, user);
  return (vehicle, now = Date.now()) => {
    if (!inScope(scope, vehicle.unitId)) return null;
    return isLeadershipVehicle(vehicle) ? leadershipView(user, settings, reason !== null, now) : { kind: 'live' };
  };
}

/** Returns the stated reason of a request (trimmed), or null when none was sent; throws 400 when it is too short. */
export function statedReason(reason: string | undefined, settings: LeadershipVehicleSettings): string | null {
  const text = reason?.trim() ?? '';
  if (text === '') return null;
  if ([...text].length < settings.minReasonLength) {
    const message = `The stated reason must have at least ${settings.minReasonLength} characters, e.g. 执法检查 or the case number`;
    throw invalid(message, reason, [{ path: 'querystring.reason', message }]);
  }
  return text;
}

/** Records that the request's user saw a leadership vehicle's positions, with the stated reason. */
export function auditLeadershipView(store: Store, request: FastifyRequest, vehicleId: number, detail: Record<string, unknown>): void {
  appendAudit(store, { actor: requestActor(request), action: 'leadership.positions_viewed', objectType: 'vehicle', objectId: vehicleId, detail });
}

/** Review stages of a registration form and the role that gives each opinion. */
export const reviewStageRoles = { preliminary: 'unit_supervisor', bureau: 'bureau_admin', secrecy: 'secrecy_reviewer' } as const satisfies Record<string, Role>;
export type ReviewStage = keyof typeof reviewStageRoles;

/** Throws 403 unless the user's role gives opinions at this review stage. */
export function assertReviewRole(user: User, stage: ReviewStage): void {
  if (user.role === reviewStageRoles[stage]) return;
  throw forbidden(`Role ${user.role} may not give the ${stage} opinion; only ${reviewStageRoles[stage]} may`);
}

/**
 * Throws 403 unless the user's unit supervises the form's unit, directly or higher up: a
 * supervising department gives the preliminary opinion on its subordinate units, never on itself.
 */
export async function assertSupervisesUnit(db: Kysely<Database>, user: User, unitId: number): Promise<void> {
  const subtree = user.unitId === null ? [] : await unitSubtree(db, user.unitId);
  if (user.unitId !== unitId && subtree.includes(unitId)) return;
  throw forbidden(`Unit ${user.unitId ?? 'none'} of user ${user.username} does not supervise unit ${unitId}; the preliminary opinion belongs to its supervising department`);
}

