import { sql, type Kysely, type Migration } from 'kysely';
import { seedTemplates } from '../../rules/templates/seed.ts';

type Db = Kysely<any>;

async function stateTables(db: Db) {
  await db.schema
    .createTable('rule_cursor')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position_id', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rule_vehicle_states')
    .addColumn('vehicle_id', 'integer', (c) => c.primaryKey().references('vehicles.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('last_time', 'bigint', (c) => c.notNull())
    .addColumn('last_position_id', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rule_checkpoints')
    .addColumn('vehicle_id', 'integer', (c) => c.notNull().references('vehicles.id'))
    .addColumn('time', 'bigint', (c) => c.notNull())
    .addColumn('position_id', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rule_checkpoints_pk', ['vehicle_id', 'time', 'position_id'])
    .execute();
}

async function tripTable(db: Db) {
  await db.schema
    .createTable('trips')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('vehicle_id', 'integer', (c) => c.notNull().references('vehicles.id'))
    .addColumn('unit_id', 'integer', (c) => c.notNull())
    .addColumn('start_time', 'bigint', (c) => c.notNull())
    .addColumn('end_time', 'bigint', (c) => c.notNull())
    .addColumn('distance_m', 'real', (c) => c.notNull())
    .addColumn('max_distance_from_home_m', 'real')
    .addColumn('left_boundary', 'integer', (c) => c.notNull())
    .addColumn('from_latitude', 'real')
    .addColumn('from_longitude', 'real')
    .addColumn('to_latitude', 'real', (c) => c.notNull())
    .addColumn('to_longitude', 'real', (c) => c.notNull())
    .addColumn('from_place_ids', 'text', (c) => c.notNull())
    .addColumn('to_place_ids', 'text', (c) => c.notNull())
    .addColumn('first_position_id', 'integer', (c) => c.notNull())
    .addColumn('last_position_id', 'integer', (c) => c.notNull())
    .addColumn('raw_frame_ids', 'text', (c) => c.notNull())
    .addColumn('driver_cards', 'text', (c) => c.notNull())
    .addColumn('order_id', 'integer')
    .addColumn('verdict', 'text', (c) =>
      c.notNull().check(sql`verdict in ('covered', 'no_order', 'outside_window', 'off_destinations', 'wrong_driver', 'out_of_area_unapproved')`),
    )
    .addColumn('reason_code', 'text', (c) => c.notNull())
    .addColumn('late', 'integer', (c) => c.notNull())
    .addColumn('decided_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('trips_vehicle_start', ['vehicle_id', 'start_time'])
    .execute();
  await db.schema.createIndex('trips_unit_start').on('trips').columns(['unit_id', 'start_time']).execute();
}

async function templateTables(db: Db) {
  await db.schema
    .createTable('rule_templates')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('usage_nature', 'text')
    .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
    .execute();
  // At most one template selects each (usage nature, unit) pair; SQLite's UNIQUE treats NULLs as distinct, hence the expressions.
  await sql`CREATE UNIQUE INDEX rule_templates_selector ON rule_templates (coalesce(usage_nature, ''), coalesce(unit_id, 0))`.execute(db);
  await db.schema
    .createTable('rule_vehicle_templates')
    .addColumn('vehicle_id', 'integer', (c) => c.primaryKey().references('vehicles.id'))
    .addColumn('template_id', 'integer', (c) => c.references('rule_templates.id'))
    .addColumn('overrides', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .createTable('rule_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_by', 'integer', (c) => c.references('users.id'))
    .execute();
}

/** Rules engine state: detector state per vehicle, the evaluation cursor, trips, templates and settings. */
export const ruleEngine: Migration = {
  async up(db: Db) {
    await stateTables(db);
    await tripTable(db);
    await templateTables(db);
    const now = Date.now();
    for (const template of seedTemplates) {
      await db
        .insertInto('rule_templates')
        .values({ name: template.name, usage_nature: template.usageNature, unit_id: null, description: template.description, content: JSON.stringify(template.content), created_at: now, updated_at: now, updated_by: null })
        .execute();
    }
  },
};
