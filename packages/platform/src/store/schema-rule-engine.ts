import type { Generated } from 'kysely';

/** Tables of the rules engine: per-vehicle detector state, the evaluation cursor, trips, templates and settings. */
export interface RuleEngineTables {
  rule_cursor: RuleCursorTable;
  rule_vehicle_states: RuleVehicleStateTable;
  rule_checkpoints: RuleCheckpointTable;
  trips: TripTable;
  rule_templates: RuleTemplateTable;
  rule_vehicle_templates: RuleVehicleTemplateTable;
  rule_settings: RuleSettingTable;
  rules_replay_lock: RulesReplayLockTable;
}

/** The one storing rules replay running, if any (src/rules/engine/replay-lock.ts). */
export interface RulesReplayLockTable {
  id: number;
  /** Random value that identifies the process and replay that took the lock. */
  token: string;
  /** Description of the running replay (console or command, user or process), shown to the replay that is rejected. */
  holder: string;
  started_at: number;
  /** Last renewal. A lock not renewed for 2 minutes is taken over. */
  heartbeat_at: number;
}

/** How far the live engine has evaluated the positions table: every position with id <= position_id. */
export interface RuleCursorTable {
  /** 'live' for the engine inside `gongche serve`. */
  name: string;
  position_id: number;
  updated_at: number;
}

/**
 * A vehicle's evaluation state as JSON (src/rules/engine/state.ts): stop segmentation, the trip in
 * progress and every detector's state. Written only after a batch changed it.
 */
export interface RuleVehicleStateTable {
  vehicle_id: number;
  state: string;
  /** Device time and id of the last position evaluated, the order key that late positions are compared with. */
  last_time: number;
  last_position_id: number;
  updated_at: number;
}

/**
 * A saved state of a vehicle at the start of a local day, so that a late blind-area upload can be
 * evaluated in device-time order: the engine restores the latest checkpoint before the late
 * position and evaluates the stored positions after it again.
 */
export interface RuleCheckpointTable {
  vehicle_id: number;
  /** Order key (device time, position id) of the last position the state includes. */
  time: number;
  position_id: number;
  state: string;
  created_at: number;
}

/** A trip between two stops, with its verdict against the approved trip orders. */
export interface TripTable {
  id: Generated<number>;
  vehicle_id: number;
  unit_id: number;
  start_time: number;
  end_time: number;
  distance_m: number;
  max_distance_from_home_m: number | null;
  left_boundary: number;
  from_latitude: number | null;
  from_longitude: number | null;
  to_latitude: number;
  to_longitude: number;
  /** JSON arrays of the place ids of the stops at either end (official places first). */
  from_place_ids: string;
  to_place_ids: string;
  first_position_id: number;
  last_position_id: number;
  /** JSON array of a sample of raw frame ids, for evidence. */
  raw_frame_ids: string;
  /** JSON array of IC card numbers from driver identity reports. */
  driver_cards: string;
  order_id: number | null;
  /** covered, no_order, outside_window, off_destinations, wrong_driver or out_of_area_unapproved. */
  verdict: string;
  /** Stable reason code of the verdict (src/rules/engine/verdict.ts). */
  reason_code: string;
  /** 1 when the trip was found on positions that arrived late (blind-area uploads). */
  late: number;
  /** Device time of the position that ended the trip (the stop's confirmation); a rewind deletes trips decided after its checkpoint. */
  decided_at: number;
  created_at: number;
  updated_at: number;
}

/**
 * A rule template: which detectors apply and with which settings, for a usage nature, a unit, both,
 * or neither (the base). content is JSON (src/rules/templates/content.ts).
 */
export interface RuleTemplateTable {
  id: Generated<number>;
  name: string;
  usage_nature: string | null;
  unit_id: number | null;
  description: string;
  content: string;
  created_at: number;
  updated_at: number;
  updated_by: number | null;
}

/** A vehicle's own template (instead of the one its usage nature and unit select) and its overrides (JSON, template content). */
export interface RuleVehicleTemplateTable {
  vehicle_id: number;
  template_id: number | null;
  overrides: string;
  updated_at: number;
  updated_by: number | null;
}

/** Engine-wide rule settings as JSON; 'engine' holds src/rules/templates/settings.ts. */
export interface RuleSettingTable {
  key: string;
  value: string;
  updated_at: number;
  updated_by: number | null;
}
