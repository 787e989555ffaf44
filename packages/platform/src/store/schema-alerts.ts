import type { Generated } from 'kysely';

/** Tables of alerts, their review transitions and attachments. */
export interface AlertTables {
  alerts: AlertTable;
  alert_transitions: AlertTransitionTable;
  alert_attachments: AlertAttachmentTable;
}

/**
 * One finding of a rule about one vehicle. Findings with the same key are one alert: the sink
 * merges them (src/alerts/sink.ts). The evidence columns point at stored rows so that every
 * fact can be checked (执法有据). Positions and frames they name survive retention while the
 * alert is open or confirmed.
 */
export interface AlertTable {
  id: Generated<number>;
  /** Merge key: rule code, vehicle and the subject's start, stable across replays. */
  key: string;
  /** Rule code (src/rules/rule-codes.ts). */
  rule: string;
  vehicle_id: number;
  unit_id: number;
  /** The terminal that sent the evidence positions, or the vehicle's bound terminal; null when neither is known. */
  terminal_id: number | null;
  start_at: number;
  end_at: number;
  /** low, medium or high. */
  severity: string;
  /** pending, explained, confirmed, dismissed or rectified. */
  state: string;
  /** 1 when the finding was made on fixes that arrived late (blind-area uploads). */
  late: number;
  /** JSON object of the facts that support the finding (durations, distances, place names, day type). */
  facts: string;
  /** Device-time range of the stored positions that support the finding. */
  evidence_from: number;
  evidence_to: number;
  /** JSON array of position ids (a capped sample spread over the range). */
  position_ids: string;
  /** JSON array of raw frame ids (capped). */
  raw_frame_ids: string;
  place_id: number | null;
  trip_order_id: number | null;
  /** 1 when the finding rests on the absence of any approved trip order. */
  order_absent: number;
  trip_id: number | null;
  created_at: number;
  updated_at: number;
  /**
   * Set when a rules replay no longer reproduced the alert while it was pending: the alert is
   * withdrawn, listed only on request, and takes no review step. Null otherwise, and again once
   * an evaluation reproduces it.
   */
  withdrawn_at: number | null;
  /** Time when a rules replay with the then-current settings no longer reproduced the alert, or null while the alert is reproduced. */
  not_reproduced_at: number | null;
  /** JSON object of that replay: reason, settings revision and period (src/alerts/withdrawal.ts). */
  not_reproduced: string | null;
}

/** One step of an alert's review; the creation is not a transition. */
export interface AlertTransitionTable {
  id: Generated<number>;
  alert_id: number;
  from_state: string;
  to_state: string;
  actor_user_id: number;
  actor_username: string;
  actor_role: string;
  at: number;
  /** The explanation, the reason of a dismissal, the decision's comment or the rectification. */
  text: string;
  attachment_id: number | null;
}

/** A file a unit attached to its explanation or rectification; the content is sealed under the data keys. */
export interface AlertAttachmentTable {
  id: Generated<number>;
  alert_id: number;
  file_name: string;
  media_type: string;
  size: number;
  /** SHA-256 (hex) of the plain content. */
  sha256: string;
  /** Sealed content (src/crypto/envelope.ts), bound to the alert and the hash. */
  sealed: Buffer;
  uploaded_by: number;
  uploaded_at: number;
}
