/** Response shapes of the platform API that the console reads (see /api/docs for the full schemas). */

export type Role =
  | 'bureau_admin'
  | 'inspector'
  | 'unit_supervisor'
  | 'unit_operator'
  | 'installer'
  | 'secrecy_reviewer'
  | 'sys_admin'
  | 'security_admin'
  | 'auditor';

export const roles: readonly Role[] = ['bureau_admin', 'inspector', 'unit_supervisor', 'unit_operator', 'installer', 'secrecy_reviewer', 'sys_admin', 'security_admin', 'auditor'];

export interface User {
  id: number;
  username: string;
  displayName: string | null;
  role: Role;
  unitId: number | null;
  mustChangePassword: boolean;
  totpEnabled: boolean;
  disabled: boolean;
}

export interface LoginResult {
  token: string;
  user: User;
  mustChangePassword: boolean;
  passwordExpired: boolean;
  mustEnrolTotp: boolean;
}

export interface Account extends User {
  lockedUntil: string | null;
  passwordChangedAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface Unit {
  id: number;
  name: string;
  level: string | null;
  nature: string | null;
  category: string;
  organisationCode: string | null;
  address: string | null;
  supervisingUnitId: number | null;
  vehicleQuota: number | null;
  actualCount: number | null;
  staffName: string | null;
  staffPhone: string | null;
}

export interface LastPosition {
  time: string;
  receivedAt: string;
  latitude: number;
  longitude: number;
  speedKmh: number;
  course: number;
  acc: boolean;
  fixed: boolean;
}

export interface VehicleOverview {
  id: number;
  unitId: number;
  plate: string;
  brandModel: string | null;
  vehicleType: string | null;
  usageNature: string | null;
  leaderRank: string | null;
  remarks: string | null;
  status: string;
  positionAccess: 'live' | 'delayed' | 'none';
  positionsBefore: string | null;
  terminal: { id: number; phone: string; online: boolean; lastSeenAt: string | null } | null;
  lastPosition: LastPosition | null;
}

/** One vehicle of a `vehicle.position` message on the live socket: the fields of VehicleOverview that change while it drives. */
export interface LiveVehicle {
  id: number;
  unitId: number;
  terminal: VehicleOverview['terminal'];
  lastPosition: LastPosition | null;
  /** Set when a report of this vehicle opened an emergency alarm. */
  alarmOpened?: true;
}

/** GET /api/vehicles/:id/driver: the driver signed in on a vehicle. */
export interface CurrentDriver {
  vehicleId: number;
  positionAccess: 'live' | 'delayed' | 'none';
  positionsBefore: string | null;
  driver: {
    since: string;
    cardNumber: string | null;
    cardName: string | null;
    readResult: number | null;
    driver: { id: number; name: string; icCardNumber: string | null } | null;
  } | null;
}

export interface PositionItem {
  id: number;
  time: string | null;
  receivedAt: string;
  latitude: number;
  longitude: number;
  altitudeM: number;
  speedKmh: number;
  course: number;
  acc: boolean;
  fixed: boolean;
  alarm: number;
  status: number;
  batchType: number | null;
  valid: boolean;
  invalidReason: string | null;
}

export interface PositionRange {
  vehicleId: number;
  plate: string;
  positionAccess: 'live' | 'delayed' | 'none';
  positionsBefore: string | null;
  from: string;
  to: string;
  truncated: boolean;
  items: PositionItem[];
}

export interface EmergencyAlarm {
  id: number;
  terminalId: number;
  vehicleId: number | null;
  plate: string | null;
  unitId: number | null;
  startedAt: string;
  lastReportAt: string;
  state: 'open' | 'acknowledged' | 'cleared';
  acknowledgedAt: string | null;
  confirmationSentAt: string | null;
  clearedAt: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorUserId: number | null;
  actorUsername: string;
  actorRole: string | null;
  actorAddress: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  detail: unknown;
  prevDigest: string;
  digest: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  lastSeq: number | null;
  lastDigest: string | null;
  triggersPresent: boolean;
  firstBad?: { seq: number; reason: string; detail: string };
}

export type RolloutPhase = 'registration' | 'review' | 'installation' | 'acceptance' | 'data_security';
export const rolloutPhases: readonly RolloutPhase[] = ['registration', 'review', 'installation', 'acceptance', 'data_security'];

export interface Batch {
  id: number;
  number: number;
  name: string;
  deadlines: Partial<Record<RolloutPhase, string>>;
}

export interface UnitProgress {
  unitId: number;
  unitName: string;
  batchId: number;
  phases: { phase: RolloutPhase; state: 'done' | 'pending' | 'overdue'; dueDate: string | null; doneAt: string | null }[];
}

export interface BulletinRow {
  unitId: number;
  unitName: string;
  shouldEquip: number;
  installed: number;
  accepted: boolean;
  exempt: number;
  missing: number;
  onlineRate: number | null;
  overduePhases: RolloutPhase[];
}

export type FormState = 'draft' | 'submitted' | 'reviewed' | 'locked';
export type ReviewStage = 'preliminary' | 'bureau' | 'secrecy';

export interface FormLine {
  vehicleId: number;
  plate: string;
  brandModel: string | null;
  vehicleType: string | null;
  usageNature: string | null;
  leaderRank: string | null;
  remarks: string | null;
  exemptReason: string | null;
  rejectedByReviewId: number | null;
}

export interface Review {
  id: number;
  round: number;
  stage: ReviewStage;
  decision: 'approve' | 'reject' | 'return';
  comment: string;
  sealText: string;
  reviewerName: string;
  at: string;
}

export interface Form {
  id: number;
  unitId: number;
  batchId: number;
  state: FormState;
  round: number;
  staffName: string | null;
  staffPhone: string | null;
  vehicleQuota: number | null;
  actualCount: number | null;
  filledOn: string | null;
  submittedAt: string | null;
  unit: { name: string; level: string | null; nature: string | null; organisationCode: string | null; address: string | null; supervisingUnitId: number | null };
  install: FormLine[];
  exempt: FormLine[];
  reviews?: Review[];
}

export interface FormProblem {
  code: string;
  message: string;
  value?: unknown;
}

export interface WorkOrder {
  id: number;
  unitId: number;
  unitName: string;
  batchId: number;
  vehicleId: number;
  plate: string;
  plannedDate: string;
  state: 'open' | 'completed' | string;
  terminal: { id: number; phone: string; terminalId: string | null; imei: string | null; iccid: string | null; manufacturerId: string | null; terminalModel: string | null; lastSeenAt: string | null } | null;
  boundAt: string | null;
  completedAt: string | null;
  online: boolean;
  check: { bound: boolean; registered: boolean; authenticated: boolean; validPosition: boolean; missing: string[]; passedAt: string | null };
}

export interface MapSettings {
  tiles: 'none' | 'osm' | 'tianditu' | 'amap' | 'custom';
  /** URL templates of the tile layers, drawn in order (Tianditu has a base layer and a label layer). */
  urls: string[];
  subdomains: string[];
  datum: 'wgs84' | 'gcj02';
  attribution: string;
  maxZoom: number;
}

export interface ConsoleSettings {
  map: MapSettings;
  /** Whether this user must state a reason to read leadership vehicles live, and the reason's minimum length. */
  leadership: { reasonRequired: boolean; minReasonLength: number };
}
