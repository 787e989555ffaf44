import type SqliteDatabase from 'better-sqlite3';

/**
 * Prepared statements of the ingest hot path. They bypass the query builder because
 * each commit group runs hundreds of them inside one synchronous transaction.
 */
export function prepareIngestStatements(sqlite: SqliteDatabase.Database) {
  return {
    insertFrame: sqlite.prepare(
      'INSERT INTO raw_frames (terminal_id, received_at, message_id, serial, sealed) VALUES (?, ?, ?, ?, ?)',
    ),
    deleteFrame: sqlite.prepare('DELETE FROM raw_frames WHERE id = ?'),
    insertPosition: sqlite.prepare(
      `INSERT OR IGNORE INTO positions (terminal_id, vehicle_id, raw_frame_id, frame_index, device_time, received_at,
         alarm, status, acc, fixed, batch_type, sealed, valid, invalid_reason, dedupe_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    openEmergency: sqlite.prepare(
      `INSERT INTO emergency_alarms (terminal_id, vehicle_id, alarm_serial, started_at, last_report_at, state)
       VALUES (?, ?, ?, ?, ?, 'open')`,
    ),
    touchEmergency: sqlite.prepare('UPDATE emergency_alarms SET last_report_at = ? WHERE id = ?'),
    clearEmergency: sqlite.prepare("UPDATE emergency_alarms SET state = 'cleared', cleared_at = ? WHERE id = ?"),
  };
}

export type IngestStatements = ReturnType<typeof prepareIngestStatements>;
