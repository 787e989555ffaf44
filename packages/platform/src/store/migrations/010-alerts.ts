import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Alerts with their evidence, review transitions and attachments. Place, trip order and trip
 * ids carry no foreign key: a replay may rebuild trips, and the alert keeps the id it was
 * found with.
 */
export const alerts: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('alerts')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('key', 'text', (c) => c.notNull().unique())
      .addColumn('rule', 'text', (c) => c.notNull())
      .addColumn('vehicle_id', 'integer', (c) => c.notNull().references('vehicles.id'))
      .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
      .addColumn('terminal_id', 'integer', (c) => c.references('terminals.id'))
      .addColumn('start_at', 'bigint', (c) => c.notNull())
      .addColumn('end_at', 'bigint', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull().check(sql`severity in ('low', 'medium', 'high')`))
      .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending', 'explained', 'confirmed', 'dismissed', 'rectified')`))
      .addColumn('late', 'integer', (c) => c.notNull().check(sql`late in (0, 1)`))
      .addColumn('facts', 'text', (c) => c.notNull())
      .addColumn('evidence_from', 'bigint', (c) => c.notNull())
      .addColumn('evidence_to', 'bigint', (c) => c.notNull())
      .addColumn('position_ids', 'text', (c) => c.notNull())
      .addColumn('raw_frame_ids', 'text', (c) => c.notNull())
      .addColumn('place_id', 'integer')
      .addColumn('trip_order_id', 'integer')
      .addColumn('order_absent', 'integer', (c) => c.notNull().check(sql`order_absent in (0, 1)`))
      .addColumn('trip_id', 'integer')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alerts_unit_start').on('alerts').columns(['unit_id', 'start_at']).execute();
    await db.schema.createIndex('alerts_vehicle_start').on('alerts').columns(['vehicle_id', 'start_at']).execute();
    await db.schema.createIndex('alerts_start').on('alerts').column('start_at').execute();
    await db.schema.createIndex('alerts_state').on('alerts').column('state').execute();

    await db.schema
      .createTable('alert_attachments')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('alert_id', 'integer', (c) => c.notNull().references('alerts.id'))
      .addColumn('file_name', 'text', (c) => c.notNull())
      .addColumn('media_type', 'text', (c) => c.notNull())
      .addColumn('size', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('sealed', 'blob', (c) => c.notNull())
      .addColumn('uploaded_by', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('uploaded_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('alert_attachments_alert').on('alert_attachments').column('alert_id').execute();

    await db.schema
      .createTable('alert_transitions')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('alert_id', 'integer', (c) => c.notNull().references('alerts.id'))
      .addColumn('from_state', 'text', (c) => c.notNull())
      .addColumn('to_state', 'text', (c) => c.notNull())
      .addColumn('actor_user_id', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('actor_username', 'text', (c) => c.notNull())
      .addColumn('actor_role', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('text', 'text', (c) => c.notNull())
      .addColumn('attachment_id', 'integer', (c) => c.references('alert_attachments.id'))
      .execute();
    await db.schema.createIndex('alert_transitions_alert').on('alert_transitions').columns(['alert_id', 'at']).execute();
  },
};
