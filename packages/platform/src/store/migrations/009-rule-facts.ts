import { sql, type Kysely, type Migration } from 'kysely';

type Db = Kysely<any>;

const categories = sql.raw(
  "('designated_parking', 'government_office', 'entertainment', 'hotel', 'restaurant', 'scenic_spot', 'school', 'residential', 'wedding_funeral', 'other_unit_parking', 'prefecture_boundary', 'custom')",
);

async function places(db: Db) {
  await db.schema
    .createTable('places')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull().check(sql`category in ${categories}`))
    .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
    .addColumn('shape', 'text', (c) => c.notNull())
    .addColumn('min_lon', 'real', (c) => c.notNull())
    .addColumn('min_lat', 'real', (c) => c.notNull())
    .addColumn('max_lon', 'real', (c) => c.notNull())
    .addColumn('max_lat', 'real', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('api', 'import', 'demo')`))
    .addColumn('remarks', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('places_category').on('places').columns(['category', 'unit_id']).execute();
}

async function drivers(db: Db) {
  await db.schema
    .createTable('drivers')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('ic_card_number', 'text', (c) => c.unique())
    .addColumn('phone', 'text')
    .addColumn('licence_number', 'text')
    .addColumn('licence_class', 'text')
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1).check(sql`active in (0, 1)`))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('drivers_unit').on('drivers').column('unit_id').execute();
}

async function tripOrders(db: Db) {
  await db.schema
    .createTable('trip_orders')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('vehicle_id', 'integer', (c) => c.notNull().references('vehicles.id'))
    .addColumn('driver_id', 'integer', (c) => c.references('drivers.id'))
    .addColumn('applicant', 'text', (c) => c.notNull())
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('start_at', 'bigint', (c) => c.notNull())
    .addColumn('end_at', 'bigint', (c) => c.notNull())
    .addColumn('out_of_area', 'integer', (c) => c.notNull().check(sql`out_of_area in (0, 1)`))
    .addColumn('holiday_use', 'integer', (c) => c.notNull().check(sql`holiday_use in (0, 1)`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected', 'cancelled')`))
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addColumn('decided_at', 'bigint')
    .addColumn('decision_comment', 'text')
    .addColumn('external_ref', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addCheckConstraint('trip_orders_window', sql`end_at > start_at`)
    .addUniqueConstraint('trip_orders_external_ref', ['unit_id', 'external_ref'])
    .execute();
  await db.schema.createIndex('trip_orders_vehicle_time').on('trip_orders').columns(['vehicle_id', 'start_at']).execute();
  await db.schema.createIndex('trip_orders_status_time').on('trip_orders').columns(['status', 'start_at']).execute();
  await db.schema
    .createTable('trip_order_destinations')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('order_id', 'integer', (c) => c.notNull().references('trip_orders.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('place_id', 'integer', (c) => c.references('places.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('latitude', 'real')
    .addColumn('longitude', 'real')
    .addColumn('radius_m', 'real')
    .addCheckConstraint(
      'trip_order_destinations_target',
      sql`place_id is not null or (latitude is not null and longitude is not null and radius_m > 0)`,
    )
    .addUniqueConstraint('trip_order_destinations_seq', ['order_id', 'seq'])
    .execute();
  await db.schema.createIndex('trip_order_destinations_place').on('trip_order_destinations').column('place_id').execute();
}

async function driverReports(db: Db) {
  await db.schema
    .createTable('driver_reports')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('terminal_id', 'integer', (c) => c.notNull().references('terminals.id'))
    .addColumn('vehicle_id', 'integer', (c) => c.references('vehicles.id'))
    .addColumn('device_time', 'bigint')
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('in', 'out')`))
    .addColumn('read_result', 'integer')
    .addColumn('card_number', 'text')
    .addColumn('driver_name', 'text')
    .addColumn('raw_frame_id', 'integer')
    .execute();
  await db.schema.createIndex('driver_reports_vehicle_time').on('driver_reports').columns(['vehicle_id', 'device_time']).execute();
  await db.schema.createIndex('driver_reports_vehicle_received').on('driver_reports').columns(['vehicle_id', 'received_at']).execute();
}

async function dutyRosters(db: Db) {
  await db.schema
    .createTable('duty_rosters')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('vehicle_id', 'integer', (c) => c.notNull().references('vehicles.id'))
    .addColumn('date', 'text', (c) => c.notNull().check(sql`date glob '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'`))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending', 'approved', 'rejected')`))
    .addColumn('requested_by', 'integer', (c) => c.references('users.id'))
    .addColumn('decided_by', 'integer', (c) => c.references('users.id'))
    .addColumn('decided_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('duty_rosters_vehicle_date', ['vehicle_id', 'date'])
    .execute();
  await db.schema.createIndex('duty_rosters_date').on('duty_rosters').columns(['date', 'status']).execute();
}

/** Places, trip orders, drivers, driver identity reports and duty rosters. */
export const ruleFacts: Migration = {
  async up(db: Db) {
    await places(db);
    await drivers(db);
    await tripOrders(db);
    await driverReports(db);
    await dutyRosters(db);
  },
};
