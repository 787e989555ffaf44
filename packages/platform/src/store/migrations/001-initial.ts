import type { Kysely, Migration } from 'kysely';

export const initial: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('units')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('level', 'text')
      .addColumn('nature', 'text')
      .addColumn('category', 'text', (c) => c.notNull().defaultTo('other'))
      .addColumn('organisation_code', 'text', (c) => c.unique())
      .addColumn('address', 'text')
      .addColumn('supervising_unit_id', 'integer', (c) => c.references('units.id'))
      .addColumn('vehicle_quota', 'integer')
      .addColumn('actual_count', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('vehicles')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
      .addColumn('plate', 'text', (c) => c.notNull().unique())
      .addColumn('brand_model', 'text')
      .addColumn('vehicle_type', 'text')
      .addColumn('usage_nature', 'text')
      .addColumn('leader_rank', 'text')
      .addColumn('remarks', 'text')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('in_use'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('vehicles_unit').on('vehicles').column('unit_id').execute();

    await db.schema
      .createTable('terminals')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('phone_key', 'text', (c) => c.notNull().unique())
      .addColumn('vehicle_id', 'integer', (c) => c.unique().references('vehicles.id'))
      .addColumn('terminal_id', 'text')
      .addColumn('manufacturer_id', 'text')
      .addColumn('terminal_model', 'text')
      .addColumn('imei', 'text')
      .addColumn('iccid', 'text')
      .addColumn('auth_code', 'text')
      .addColumn('legacy_auth_code', 'text')
      .addColumn('edition', 'text')
      .addColumn('registered_at', 'bigint')
      .addColumn('authenticated_at', 'bigint')
      .addColumn('last_seen_at', 'bigint')
      .addColumn('last_remote_address', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('terminal_sessions')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('terminal_id', 'integer', (c) => c.references('terminals.id'))
      .addColumn('phone', 'text', (c) => c.notNull())
      .addColumn('remote_address', 'text', (c) => c.notNull())
      .addColumn('edition', 'text')
      .addColumn('connected_at', 'bigint', (c) => c.notNull())
      .addColumn('authenticated_at', 'bigint')
      .addColumn('closed_at', 'bigint')
      .addColumn('close_reason', 'text')
      .addColumn('frames_in', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('terminal_sessions_terminal').on('terminal_sessions').columns(['terminal_id', 'connected_at']).execute();

    await db.schema
      .createTable('raw_frames')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('terminal_id', 'integer', (c) => c.notNull().references('terminals.id'))
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('message_id', 'integer', (c) => c.notNull())
      .addColumn('serial', 'integer', (c) => c.notNull())
      .addColumn('sealed', 'blob', (c) => c.notNull())
      .execute();
    // Indexed by time only: an index per terminal would dirty one page per terminal in every
    // ingest commit. Evidence reaches a frame through positions.raw_frame_id.
    await db.schema.createIndex('raw_frames_received').on('raw_frames').column('received_at').execute();

    await db.schema
      .createTable('positions')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('terminal_id', 'integer', (c) => c.notNull().references('terminals.id'))
      .addColumn('vehicle_id', 'integer', (c) => c.references('vehicles.id'))
      .addColumn('raw_frame_id', 'integer', (c) => c.notNull().references('raw_frames.id'))
      .addColumn('device_time', 'bigint')
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('alarm', 'bigint', (c) => c.notNull())
      .addColumn('status', 'bigint', (c) => c.notNull())
      .addColumn('acc', 'integer', (c) => c.notNull())
      .addColumn('fixed', 'integer', (c) => c.notNull())
      .addColumn('batch_type', 'integer')
      .addColumn('frame_index', 'integer', (c) => c.notNull())
      .addColumn('sealed', 'blob')
      .addColumn('valid', 'integer', (c) => c.notNull())
      .addColumn('invalid_reason', 'text')
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('positions_vehicle_time').on('positions').columns(['vehicle_id', 'device_time']).execute();
    // The dedupe key starts with the BCD device time, so this index also orders a terminal's reports by time.
    await db.schema.createIndex('positions_terminal_dedupe').on('positions').columns(['terminal_id', 'dedupe_key']).unique().execute();

    await db.schema
      .createTable('emergency_alarms')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('terminal_id', 'integer', (c) => c.notNull().references('terminals.id'))
      .addColumn('vehicle_id', 'integer', (c) => c.references('vehicles.id'))
      .addColumn('alarm_serial', 'integer', (c) => c.notNull())
      .addColumn('started_at', 'bigint', (c) => c.notNull())
      .addColumn('last_report_at', 'bigint', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('acknowledged_by', 'integer')
      .addColumn('acknowledged_at', 'bigint')
      .addColumn('confirmation_sent_at', 'bigint')
      .addColumn('cleared_at', 'bigint')
      .execute();
    await db.schema.createIndex('emergency_alarms_terminal_state').on('emergency_alarms').columns(['terminal_id', 'state']).execute();

    await db.schema
      .createTable('users')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('username', 'text', (c) => c.notNull().unique())
      .addColumn('display_name', 'text')
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
      .addColumn('password_hash', 'text', (c) => c.notNull())
      .addColumn('must_change_password', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('failed_logins', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('locked_until', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('auth_sessions')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
      .execute();
  },
};
