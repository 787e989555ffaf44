import type { Kysely, Migration } from 'kysely';

type Db = Kysely<any>;

async function registryColumns(db: Db) {
  await db.schema.alterTable('units').addColumn('staff_name', 'text').execute();
  await db.schema.alterTable('units').addColumn('staff_phone', 'text').execute();
}

async function batchTables(db: Db) {
  await db.schema
    .createTable('rollout_batches')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('scope_rule', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rollout_phases')
    .addColumn('batch_id', 'integer', (c) => c.notNull().references('rollout_batches.id'))
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('rollout_phases_pk', ['batch_id', 'phase'])
    .execute();
  await db.schema
    .createTable('rollout_overrides')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'integer', (c) => c.notNull())
    .addColumn('batch_id', 'integer', (c) => c.notNull().references('rollout_batches.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('rollout_overrides_object', ['object_type', 'object_id'])
    .execute();
  await db.schema
    .createTable('rollout_settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

async function formTables(db: Db) {
  await db.schema
    .createTable('rollout_forms')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('batch_id', 'integer', (c) => c.notNull().references('rollout_batches.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('staff_name', 'text')
    .addColumn('staff_phone', 'text')
    .addColumn('vehicle_quota', 'integer')
    .addColumn('actual_count', 'integer')
    .addColumn('filled_on', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('submitted_at', 'bigint')
    .addColumn('locked_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('rollout_forms_unit_batch', ['unit_id', 'batch_id'])
    .execute();
  await db.schema
    .createTable('rollout_form_lines')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('form_id', 'integer', (c) => c.notNull().references('rollout_forms.id'))
    .addColumn('vehicle_id', 'integer', (c) => c.notNull().references('vehicles.id'))
    .addColumn('list', 'text', (c) => c.notNull())
    .addColumn('exempt_reason', 'text')
    .addColumn('remarks', 'text')
    .addColumn('rejected_by_review_id', 'integer')
    .addUniqueConstraint('rollout_form_lines_vehicle', ['form_id', 'vehicle_id'])
    .execute();
  await db.schema
    .createTable('rollout_reviews')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('form_id', 'integer', (c) => c.notNull().references('rollout_forms.id'))
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('decision', 'text', (c) => c.notNull())
    .addColumn('comment', 'text', (c) => c.notNull())
    .addColumn('seal_text', 'text', (c) => c.notNull())
    .addColumn('rejected_vehicle_ids', 'text', (c) => c.notNull())
    .addColumn('reviewer_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('reviewer_unit_id', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rollout_reviews_form').on('rollout_reviews').columns(['form_id', 'round']).execute();
  await db.schema
    .createTable('rollout_letters')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('form_id', 'integer', (c) => c.notNull().unique().references('rollout_forms.id'))
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('batch_id', 'integer', (c) => c.notNull().references('rollout_batches.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('serial', 'integer', (c) => c.notNull())
    .addColumn('document_number', 'text', (c) => c.notNull().unique())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('issued_by', 'integer', (c) => c.references('users.id'))
    .addColumn('issued_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('rollout_letters_serial', ['year', 'serial'])
    .execute();
}

async function installationTables(db: Db) {
  await db.schema
    .createTable('rollout_contracts')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('unit_id', 'integer', (c) => c.references('units.id'))
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('signed_on', 'text', (c) => c.notNull())
    .addColumn('counterparty', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_sha256', 'text', (c) => c.notNull())
    .addColumn('file_content', 'blob', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rollout_work_orders')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('batch_id', 'integer', (c) => c.notNull().references('rollout_batches.id'))
    .addColumn('vehicle_id', 'integer', (c) => c.notNull().unique().references('vehicles.id'))
    .addColumn('planned_date', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('terminal_id', 'integer', (c) => c.references('terminals.id'))
    .addColumn('bound_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .addColumn('created_by', 'integer', (c) => c.references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('rollout_acceptances')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
    .addColumn('batch_id', 'integer', (c) => c.notNull().references('rollout_batches.id'))
    .addColumn('checklist', 'text', (c) => c.notNull())
    .addColumn('remarks', 'text', (c) => c.notNull())
    .addColumn('inspector_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('signed_at', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('rollout_acceptances_unit_batch', ['unit_id', 'batch_id'])
    .execute();
}

async function bulletinTables(db: Db) {
  await db.schema
    .createTable('rollout_bulletins')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('batch_id', 'integer', (c) => c.notNull().references('rollout_batches.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('generated_at', 'bigint', (c) => c.notNull())
    .addColumn('published_by', 'integer', (c) => c.references('users.id'))
    .execute();
}

/** Rollout workflow: batches and deadlines, registration forms and reviews, reply letters, work orders, acceptance, bulletins. */
export const rollout: Migration = {
  async up(db: Db) {
    await registryColumns(db);
    await batchTables(db);
    await formTables(db);
    await installationTables(db);
    await bulletinTables(db);
  },
};
