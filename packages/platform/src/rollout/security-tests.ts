import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';
import { AppError } from '../errors.ts';
import { beijingDate, dateSchema, getBatch } from './batches.ts';
import { computeAssignments } from './scope.ts';

export const securityTestInput = z.object({
  unitId: z.number().int().positive(),
  batchId: z.number().int().positive(),
  /** Day the test ran, YYYY-MM-DD (Beijing time); not later than today. */
  testedOn: dateSchema,
  result: z.enum(['passed', 'failed']),
  /** Description of the test and, for a failed test, of the failure. */
  remarks: z.string().trim().min(2).max(500),
});
export type SecurityTestInput = z.infer<typeof securityTestInput>;

/** One data-security and operation test (数据安全及运行测试) of a unit in a batch. */
export interface SecurityTest {
  id: number;
  unitId: number;
  batchId: number;
  testedOn: string;
  result: 'passed' | 'failed';
  remarks: string;
  recordedBy: number;
  recordedByName: string;
  recordedAt: string;
}

/**
 * Records a test of a unit. The unit must be in the batch and its installation accepted, because
 * the test runs on the installed terminals' data. A failed test may be followed by a retest.
 */
export async function recordSecurityTest(db: Kysely<Database>, input: SecurityTestInput, userId: number, now = Date.now()): Promise<SecurityTest> {
  await getBatch(db, input.batchId);
  if (input.testedOn > beijingDate(now)) {
    throw new AppError('GONGCHE_ERR_VALIDATION', 400, `The test date ${input.testedOn} is in the future; record a test after it ran`, { value: input.testedOn });
  }
  const assignments = await computeAssignments(db);
  if (!assignments.batchUnits.get(input.batchId)?.has(input.unitId)) {
    throw new AppError('GONGCHE_ERR_UNIT_NOT_IN_BATCH', 400, `Unit ${input.unitId} is not covered by batch ${input.batchId}; see GET /api/rollout/batches/${input.batchId}/scope`, { value: input.unitId });
  }
  const accepted = await db.selectFrom('rollout_acceptances').select('id').where('unit_id', '=', input.unitId).where('batch_id', '=', input.batchId).executeTakeFirst();
  if (!accepted) {
    throw new AppError('GONGCHE_ERR_ACCEPTANCE_MISSING', 409, `Unit ${input.unitId} has no signed acceptance for batch ${input.batchId}; the data-security test follows acceptance (POST /api/rollout/acceptance)`, { value: input.unitId });
  }
  const row = await db
    .insertInto('rollout_security_tests')
    .values({ unit_id: input.unitId, batch_id: input.batchId, tested_on: input.testedOn, result: input.result, remarks: input.remarks, recorded_by: userId, recorded_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await listSecurityTests(db, { batchId: input.batchId, unitIds: [input.unitId] })).find((test) => test.id === row.id)!;
}

/** Lists tests, oldest first, of one batch or all, limited to the given units when unitIds is set. */
export async function listSecurityTests(db: Kysely<Database>, filter: { batchId?: number; unitIds?: readonly number[] }): Promise<SecurityTest[]> {
  let query = db
    .selectFrom('rollout_security_tests as t')
    .innerJoin('users as u', 'u.id', 't.recorded_by')
    .select(['t.id', 't.unit_id', 't.batch_id', 't.tested_on', 't.result', 't.remarks', 't.recorded_by', 't.recorded_at', 'u.username', 'u.display_name'])
    .orderBy('t.id');
  if (filter.batchId !== undefined) query = query.where('t.batch_id', '=', filter.batchId);
  if (filter.unitIds !== undefined) query = query.where('t.unit_id', 'in', filter.unitIds.length > 0 ? [...filter.unitIds] : [-1]);
  const rows = await query.execute();
  return rows.map((row) => ({
    id: row.id,
    unitId: row.unit_id,
    batchId: row.batch_id,
    testedOn: row.tested_on,
    result: row.result as SecurityTest['result'],
    remarks: row.remarks,
    recordedBy: row.recorded_by,
    recordedByName: row.display_name ?? row.username,
    recordedAt: new Date(row.recorded_at).toISOString(),
  }));
}

/** Returns the latest test of a unit in a batch (by test date, then by recording order), or null. */
export async function latestSecurityTest(db: Kysely<Database>, unitId: number, batchId: number): Promise<SecurityTest | null> {
  const tests = await listSecurityTests(db, { batchId, unitIds: [unitId] });
  const sorted = [...tests].sort((a, b) => a.testedOn.localeCompare(b.testedOn) || a.id - b.id);
  return sorted.at(-1) ?? null;
}
