import type { Generated } from 'kysely';
import type { RuleFactTables } from './schema-rule-facts.ts';
import type { AlertTables } from './schema-alerts.ts';
import type { RuleEngineTables } from './schema-rule-engine.ts';

/**
 * Table types of the store. Times are UTC instants stored as integer milliseconds since
 * the epoch; booleans are 0/1 integers so that SQLite and PostgreSQL read the same.
 */
export interface Database extends RuleFactTables, AlertTables, RuleEngineTables {
  units: UnitTable;
  vehicles: VehicleTable;
  terminals: TerminalTable;
  terminal_sessions: TerminalSessionTable;
  raw_frames: RawFrameTable;
  positions: PositionTable;
  emergency_alarms: EmergencyAlarmTable;
  users: UserTable;
  auth_sessions: AuthSessionTable;
  audit_log: AuditLogTable;
  rollout_batches: RolloutBatchTable;
  rollout_phases: RolloutPhaseTable;
  rollout_overrides: RolloutOverrideTable;
  rollout_settings: RolloutSettingTable;
  rollout_forms: RolloutFormTable;
  rollout_form_lines: RolloutFormLineTable;
  rollout_reviews: RolloutReviewTable;
  rollout_letters: RolloutLetterTable;
  rollout_contracts: RolloutContractTable;
  rollout_work_orders: RolloutWorkOrderTable;
  rollout_acceptances: RolloutAcceptanceTable;
  rollout_bulletins: RolloutBulletinTable;
  rollout_security_tests: RolloutSecurityTestTable;
  calendar_days: CalendarDayTable;
}

export interface UnitTable {
  id: Generated<number>;
  name: string;
  level: string | null;
  nature: string | null;
  /** Batch-scope category: discipline_inspection, court, procuratorate, justice, public_security or other. */
  category: string;
  organisation_code: string | null;
  address: string | null;
  supervising_unit_id: number | null;
  vehicle_quota: number | null;
  actual_count: number | null;
  /** The unit's designated staff for the rollout (专人) and their phone. */
  staff_name: string | null;
  staff_phone: string | null;
  created_at: number;
  updated_at: number;
}

export interface VehicleTable {
  id: Generated<number>;
  unit_id: number;
  plate: string;
  brand_model: string | null;
  vehicle_type: string | null;
  usage_nature: string | null;
  leader_rank: string | null;
  remarks: string | null;
  /** in_use, sealed or disposed. */
  status: string;
  created_at: number;
  updated_at: number;
}

export interface TerminalTable {
  id: Generated<number>;
  /** Phone number as entered in the registry (the BCD digits the terminal sends). */
  phone: string;
  /** Phone without leading zeros: the lookup key shared by 2013 (12-digit) and 2019 (20-digit) headers. */
  phone_key: string;
  vehicle_id: number | null;
  terminal_id: string | null;
  manufacturer_id: string | null;
  terminal_model: string | null;
  imei: string | null;
  iccid: string | null;
  /** Code issued by this platform at registration. */
  auth_code: string | null;
  /** Code the terminal keeps from a previous platform, accepted when migration is allowed. */
  legacy_auth_code: string | null;
  edition: string | null;
  registered_at: number | null;
  authenticated_at: number | null;
  last_seen_at: number | null;
  last_remote_address: string | null;
  created_at: number;
  updated_at: number;
}

export interface TerminalSessionTable {
  id: Generated<number>;
  terminal_id: number | null;
  phone: string;
  remote_address: string;
  edition: string | null;
  connected_at: number;
  authenticated_at: number | null;
  closed_at: number | null;
  close_reason: string | null;
  frames_in: number;
}

export interface RawFrameTable {
  id: Generated<number>;
  terminal_id: number;
  received_at: number;
  message_id: number;
  serial: number;
  /** Unescaped header, body and check code as received, sealed (see src/crypto/envelope.ts). */
  sealed: Buffer;
}

export interface PositionTable {
  id: Generated<number>;
  terminal_id: number;
  vehicle_id: number | null;
  raw_frame_id: number;
  /** Device time (UTC ms); null when the terminal's BCD time was invalid. */
  device_time: number | null;
  received_at: number;
  alarm: number;
  status: number;
  acc: number;
  fixed: number;
  /** null for a live 0x0200/0x0201 report, 0 or 1 for the batch type of a 0x0704 item. */
  batch_type: number | null;
  /** Index of this position among those its raw frame carries (0x0704 item order; 0 otherwise). */
  frame_index: number;
  /**
   * Null when the values are read from the sealed raw frame. Set, to the sealed coordinates,
   * altitude, speed, course and items (src/ingest/position-record.ts), only when the frame was
   * joined from subpackages, because such a frame cannot be decoded again on its own.
   */
  sealed: Buffer | null;
  /** 1 when the fix may be used in tracks; 0 with a reason otherwise. */
  valid: number;
  invalid_reason: string | null;
  /** Identity of the report within its terminal regardless of the message serial, so a resend is stored once. */
  dedupe_key: string;
}

export interface EmergencyAlarmTable {
  id: Generated<number>;
  terminal_id: number;
  vehicle_id: number | null;
  /** Serial of the first report with the emergency bit, quoted in 0x8203. */
  alarm_serial: number;
  started_at: number;
  last_report_at: number;
  /** open, acknowledged or cleared. */
  state: string;
  acknowledged_by: number | null;
  acknowledged_at: number | null;
  confirmation_sent_at: number | null;
  cleared_at: number | null;
}

export interface UserTable {
  id: Generated<number>;
  username: string;
  display_name: string | null;
  role: string;
  unit_id: number | null;
  password_hash: string;
  must_change_password: number;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
  /** 1 when the account may not log in; accounts are disabled, never deleted, so audit entries keep their actor. */
  disabled: Generated<number>;
  /** When the password was last set (UTC ms), for the expiry policy. */
  password_changed_at: number;
  /** Base32 TOTP secret; set by setup, in force once totp_enabled is 1. Never returned by the API. */
  totp_secret: string | null;
  totp_enabled: Generated<number>;
  /** Time step of the last accepted TOTP code; a code of this step or older is refused as a replay. */
  totp_last_step: number | null;
}

export interface AuthSessionTable {
  /** SHA-256 of the session token; the token itself is never stored. */
  token_hash: string;
  user_id: number;
  created_at: number;
  last_seen_at: number;
}

/** One append-only audit entry; digest = SM3 over the other fields (see src/audit/digest.ts). */
export interface AuditLogTable {
  seq: number;
  at: number;
  actor_user_id: number | null;
  actor_username: string;
  actor_role: string | null;
  /** IP address of the request, null for the platform itself and the CLI. */
  actor_address: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  /** Canonical JSON (sorted keys). */
  detail: string;
  prev_digest: string;
  digest: string;
}

/** A rollout batch (批次); scope_rule is JSON, see src/rollout/scope.ts. */
export interface RolloutBatchTable {
  id: Generated<number>;
  number: number;
  name: string;
  scope_rule: string;
  created_at: number;
  updated_at: number;
}

/** Deadline of one phase of a batch: registration, review, installation, acceptance or data_security. */
export interface RolloutPhaseTable {
  batch_id: number;
  phase: string;
  due_at: number;
}

/** A manual assignment of a unit or vehicle (object_type) to a batch, overriding the scope rules. */
export interface RolloutOverrideTable {
  id: Generated<number>;
  object_type: string;
  object_id: number;
  batch_id: number;
  reason: string;
  created_by: number | null;
  created_at: number;
}

/** A rollout setting as JSON; defaults live in src/rollout/settings.ts. */
export interface RolloutSettingTable {
  key: string;
  value: string;
  updated_at: number;
}

/** A registration form (登记表) of one unit for one batch; state is draft, submitted, reviewed or locked. */
export interface RolloutFormTable {
  id: Generated<number>;
  unit_id: number;
  batch_id: number;
  state: string;
  /** Review round: a form returned for correction starts the next round. */
  round: Generated<number>;
  staff_name: string | null;
  staff_phone: string | null;
  vehicle_quota: number | null;
  actual_count: number | null;
  /** Filling date, YYYY-MM-DD. */
  filled_on: string | null;
  created_by: number | null;
  submitted_at: number | null;
  locked_at: number | null;
  created_at: number;
  updated_at: number;
}

/** A vehicle on a form: list is install or exempt. A vehicle whose exemption a review rejected is on install with rejected_by_review_id. */
export interface RolloutFormLineTable {
  id: Generated<number>;
  form_id: number;
  vehicle_id: number;
  list: string;
  exempt_reason: string | null;
  remarks: string | null;
  rejected_by_review_id: number | null;
}

/** One opinion on a form: stage preliminary, bureau or secrecy; decision approve, reject or return. */
export interface RolloutReviewTable {
  id: Generated<number>;
  form_id: number;
  round: number;
  stage: string;
  decision: string;
  comment: string;
  seal_text: string;
  /** JSON array of the vehicle ids whose exemption this opinion rejected. */
  rejected_vehicle_ids: string;
  reviewer_id: number;
  reviewer_unit_id: number | null;
  created_at: number;
}

/** A reply letter (函复); content is the letter as JSON, fixed at issue. */
export interface RolloutLetterTable {
  id: Generated<number>;
  form_id: number;
  unit_id: number;
  batch_id: number;
  year: number;
  serial: number;
  document_number: string;
  content: string;
  issued_by: number | null;
  issued_at: number;
}

/** An installation contract of a unit, or the bureau's confidentiality agreement with the operator (unit_id null). */
export interface RolloutContractTable {
  id: Generated<number>;
  kind: string;
  unit_id: number | null;
  number: string;
  signed_on: string;
  counterparty: string;
  file_name: string;
  file_sha256: string;
  file_content: Buffer;
  created_by: number | null;
  created_at: number;
}

/** An installation work order; state open, completed or cancelled. completed_at is when the debugging check first passed. */
export interface RolloutWorkOrderTable {
  id: Generated<number>;
  unit_id: number;
  batch_id: number;
  vehicle_id: number;
  planned_date: string;
  state: string;
  terminal_id: number | null;
  bound_at: number | null;
  completed_at: number | null;
  created_by: number | null;
  created_at: number;
  updated_at: number;
}

/** The bureau's acceptance of one unit's installation in one batch; checklist is the JSON checklist at sign-off. */
export interface RolloutAcceptanceTable {
  id: Generated<number>;
  unit_id: number;
  batch_id: number;
  checklist: string;
  remarks: string;
  inspector_id: number;
  signed_at: number;
}

/** A published bulletin (通报): kind installation or inspection; content is JSON with one row per unit. */
export interface RolloutBulletinTable {
  id: Generated<number>;
  kind: string;
  batch_id: number;
  title: string;
  content: string;
  generated_at: number;
  published_by: number | null;
}

/** One data-security and operation test (数据安全及运行测试) of a unit in a batch; result is passed or failed. */
export interface RolloutSecurityTestTable {
  id: Generated<number>;
  unit_id: number;
  batch_id: number;
  /** Test date, YYYY-MM-DD (Beijing time). */
  tested_on: string;
  result: string;
  remarks: string;
  recorded_by: number;
  recorded_at: number;
}

/** A statutory holiday or an adjusted working day (调休); kind is holiday or workday, source is seed or admin. */
export interface CalendarDayTable {
  /** Local date, YYYY-MM-DD, in the calendar's time zone (Asia/Shanghai by default). */
  date: string;
  kind: string;
  name: string;
  source: string;
}
