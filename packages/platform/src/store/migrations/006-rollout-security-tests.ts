import type { Kysely, Migration } from 'kysely';

type Db = Kysely<any>;

/** The data-security and operation test (数据安全及运行测试) of each unit in a batch; a unit may have several, e.g. a failed test and its retest. */
export const rolloutSecurityTests: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('rollout_security_tests')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('unit_id', 'integer', (c) => c.notNull().references('units.id'))
      .addColumn('batch_id', 'integer', (c) => c.notNull().references('rollout_batches.id'))
      .addColumn('tested_on', 'text', (c) => c.notNull())
      .addColumn('result', 'text', (c) => c.notNull())
      .addColumn('remarks', 'text', (c) => c.notNull())
      .addColumn('recorded_by', 'integer', (c) => c.notNull().references('users.id'))
      .addColumn('recorded_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('rollout_security_tests_unit_batch').on('rollout_security_tests').columns(['unit_id', 'batch_id']).execute();
  },
};
