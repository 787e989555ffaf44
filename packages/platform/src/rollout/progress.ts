import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { computeAssignments } from './scope.ts';
import { getBatch, listBatches, rolloutPhases, type RolloutPhase } from './batches.ts';
import { equipList } from './acceptance.ts';
import { latestSecurityTest } from './security-tests.ts';
import { rolloutInstalledIds } from './coverage.ts';

export type PhaseState = 'done' | 'pending' | 'overdue';

export interface UnitPhase {
  phase: RolloutPhase;
  state: PhaseState;
  dueDate: string | null;
  doneAt: string | null;
}

export interface UnitProgress {
  unitId: number;
  unitName: string;
  batchId: number;
  phases: UnitPhase[];
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/**
 * When each phase was done for a unit, from the records: submission, letter, last completed work
 * order, acceptance, and the start of the test day when the unit's latest data-security test passed.
 */
async function doneTimes(db: Kysely<Database>, unitId: number, batchId: number, install: number[]): Promise<Partial<Record<RolloutPhase, number | null>>> {
  const form = await db.selectFrom('rollout_forms').select(['state', 'submitted_at']).where('unit_id', '=', unitId).where('batch_id', '=', batchId).executeTakeFirst();
  const letter = await db.selectFrom('rollout_letters').select('issued_at').where('unit_id', '=', unitId).where('batch_id', '=', batchId).executeTakeFirst();
  const acceptance = await db.selectFrom('rollout_acceptances').select('signed_at').where('unit_id', '=', unitId).where('batch_id', '=', batchId).executeTakeFirst();
  const securityTest = await latestSecurityTest(db, unitId, batchId);
  let installed: number | null = null;
  if (letter) {
    // A vehicle whose terminal was installed before the rollout has no work order: it counts from the letter.
    const installedIds = await rolloutInstalledIds(db, install);
    const orders = install.length === 0 ? [] : await db.selectFrom('rollout_work_orders').select(['vehicle_id', 'completed_at']).where('vehicle_id', 'in', install).where('state', '=', 'completed').execute();
    installed = installedIds.size === install.length ? Math.max(letter.issued_at, ...orders.map((o) => o.completed_at ?? 0)) : null;
  }
  return {
    registration: form && form.state !== 'draft' ? form.submitted_at : null,
    review: letter?.issued_at ?? null,
    installation: installed,
    acceptance: acceptance?.signed_at ?? null,
    data_security: securityTest?.result === 'passed' ? Date.parse(`${securityTest.testedOn}T00:00:00+08:00`) : null,
  };
}

/** Returns every phase's state for each unit the batch covers. */
export async function unitProgress(db: Kysely<Database>, batchId: number, now = Date.now()): Promise<UnitProgress[]> {
  const batch = await getBatch(db, batchId);
  const dueRows = await db.selectFrom('rollout_phases').selectAll().where('batch_id', '=', batchId).execute();
  const due = new Map(dueRows.map((row) => [row.phase, row.due_at]));
  const assignments = await computeAssignments(db);
  const unitIds = [...(assignments.batchUnits.get(batch.id) ?? [])].sort((a, b) => a - b);
  const result: UnitProgress[] = [];
  for (const unitId of unitIds) {
    const unit = await db.selectFrom('units').select('name').where('id', '=', unitId).executeTakeFirstOrThrow();
    const { install } = await equipList(db, assignments, unitId, batchId);
    const done = await doneTimes(db, unitId, batchId, install);
    const phases = rolloutPhases.map((phase): UnitPhase => {
      const dueAt = due.get(phase) ?? null;
      const dueDate = batch.deadlines[phase] ?? null;
      const doneAt = done[phase] ?? null;
      const state: PhaseState = doneAt !== null ? 'done' : dueAt !== null && now > dueAt ? 'overdue' : 'pending';
      return { phase, state, dueDate, doneAt: iso(doneAt) };
    });
    result.push({ unitId, unitName: unit.name, batchId, phases });
  }
  return result;
}

export interface OverdueRow {
  batchId: number;
  batchNumber: number;
  unitId: number;
  unitName: string;
  phase: RolloutPhase;
  dueDate: string | null;
}

/** Lists every phase past its deadline and not done, per unit, for one batch or all. */
export async function overdueList(db: Kysely<Database>, batchId?: number, now = Date.now()): Promise<OverdueRow[]> {
  const batches = batchId === undefined ? await listBatches(db) : [await getBatch(db, batchId)];
  const rows: OverdueRow[] = [];
  for (const batch of batches) {
    for (const unit of await unitProgress(db, batch.id, now)) {
      for (const phase of unit.phases.filter((p) => p.state === 'overdue')) {
        rows.push({ batchId: batch.id, batchNumber: batch.number, unitId: unit.unitId, unitName: unit.unitName, phase: phase.phase, dueDate: phase.dueDate });
      }
    }
  }
  return rows;
}
