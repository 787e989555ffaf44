import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../store/schema.ts';
import { AppError } from '../errors.ts';
import type { User } from '../security/users.ts';
import { assertReviewRole, assertSupervisesUnit, type ReviewStage } from '../api/access.ts';
import { assertFormState, getForm, type FormDetail } from './forms.ts';

export const reviewInput = z.object({
  stage: z.enum(['preliminary', 'bureau', 'secrecy']),
  decision: z.enum(['approve', 'reject', 'return']),
  comment: z.string().trim().min(2).max(500),
  /** The reviewing unit's seal as text, e.g. （喀什地区保密局印章）. */
  sealText: z.string().trim().min(2).max(60),
  /** For reject: the plates whose exemption is rejected; all exempt vehicles when left out. */
  plates: z.array(z.string().trim()).max(1000).optional(),
});
export type ReviewInput = z.infer<typeof reviewInput>;

export interface Review {
  id: number;
  round: number;
  stage: ReviewStage;
  decision: string;
  comment: string;
  sealText: string;
  rejectedVehicleIds: number[];
  reviewerId: number;
  reviewerName: string;
  reviewerUnitId: number | null;
  at: string;
}

export async function listReviews(db: Kysely<Database>, formId: number): Promise<Review[]> {
  const rows = await db
    .selectFrom('rollout_reviews as r')
    .innerJoin('users as u', 'u.id', 'r.reviewer_id')
    .select(['r.id', 'r.round', 'r.stage', 'r.decision', 'r.comment', 'r.seal_text', 'r.rejected_vehicle_ids', 'r.reviewer_id', 'r.reviewer_unit_id', 'r.created_at', 'u.username', 'u.display_name'])
    .where('r.form_id', '=', formId)
    .orderBy('r.id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    round: row.round,
    stage: row.stage as ReviewStage,
    decision: row.decision,
    comment: row.comment,
    sealText: row.seal_text,
    rejectedVehicleIds: JSON.parse(row.rejected_vehicle_ids) as number[],
    reviewerId: row.reviewer_id,
    reviewerName: row.display_name ?? row.username,
    reviewerUnitId: row.reviewer_unit_id,
    at: new Date(row.created_at).toISOString(),
  }));
}

/**
 * Returns the stages a form still needs in its current round, in order. The preliminary opinion
 * comes first when the unit has a supervising unit. The bureau's and the Secrecy Bureau's
 * opinions then form the joint review, in either order, and the Secrecy Bureau's is needed only
 * while vehicles remain on the exempt list.
 */
export function pendingStages(form: FormDetail, reviews: Review[]): ReviewStage[] {
  const done = new Set(reviews.filter((r) => r.round === form.round).map((r) => r.stage));
  const needed: ReviewStage[] = [];
  if (form.unit.supervisingUnitId !== null) needed.push('preliminary');
  needed.push('bureau');
  if (form.exempt.length > 0 || done.has('secrecy')) needed.push('secrecy');
  return needed.filter((stage) => !done.has(stage));
}

function assertInOrder(form: FormDetail, reviews: Review[], stage: ReviewStage): void {
  const pending = pendingStages(form, reviews);
  if (!pending.includes(stage)) {
    const reason = reviews.some((r) => r.round === form.round && r.stage === stage) ? 'was already given in this round' : 'is not needed for this form';
    throw new AppError('GONGCHE_ERR_REVIEW_OUT_OF_ORDER', 409, `The ${stage} opinion ${reason}; pending: ${pending.join(', ') || 'none'}`, { value: stage });
  }
  if (stage !== 'preliminary' && pending.includes('preliminary')) {
    throw new AppError('GONGCHE_ERR_REVIEW_OUT_OF_ORDER', 409, `The ${stage} opinion needs the supervising department's preliminary opinion first`, { value: stage });
  }
}

function rejectedVehicles(form: FormDetail, input: ReviewInput): number[] {
  if (input.decision !== 'reject') return [];
  if (input.plates === undefined) return form.exempt.map((line) => line.vehicleId);
  return input.plates.map((plate) => {
    const line = form.exempt.find((l) => l.plate === plate);
    if (!line) throw new AppError('GONGCHE_ERR_REVIEW_UNKNOWN_VEHICLE', 400, `Plate ${plate} is not on the form's exempt list`, { value: plate });
    return line.vehicleId;
  });
}

/**
 * Records one opinion. Reject moves the named exempt vehicles (all when none are named) to the
 * install list. Return sends the form back to the unit as a draft for the next round. Once no
 * stage is pending, the form is reviewed and a reply letter may be issued.
 */
export async function recordReview(db: Kysely<Database>, user: User, formId: number, input: ReviewInput): Promise<{ review: Review; form: FormDetail }> {
  assertReviewRole(user, input.stage);
  const form = await getForm(db, formId);
  if (input.stage === 'preliminary') await assertSupervisesUnit(db, user, form.unitId);
  assertFormState(form, ['submitted'], `the ${input.stage} opinion`);
  assertInOrder(form, await listReviews(db, formId), input.stage);
  const rejected = rejectedVehicles(form, input);
  const now = Date.now();
  const inserted = await db
    .insertInto('rollout_reviews')
    .values({ form_id: formId, round: form.round, stage: input.stage, decision: input.decision, comment: input.comment, seal_text: input.sealText, rejected_vehicle_ids: JSON.stringify(rejected), reviewer_id: user.id, reviewer_unit_id: user.unitId, created_at: now })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (rejected.length > 0) {
    await db.updateTable('rollout_form_lines').set({ list: 'install', rejected_by_review_id: inserted.id }).where('form_id', '=', formId).where('vehicle_id', 'in', rejected).execute();
  }
  await advanceForm(db, formId, input.decision === 'return');
  const review = (await listReviews(db, formId)).find((r) => r.id === inserted.id)!;
  return { review, form: await getForm(db, formId) };
}

async function advanceForm(db: Kysely<Database>, formId: number, returned: boolean): Promise<void> {
  const form = await getForm(db, formId);
  const now = Date.now();
  if (returned) {
    await db.updateTable('rollout_forms').set({ state: 'draft', round: form.round + 1, submitted_at: null, updated_at: now }).where('id', '=', formId).execute();
    return;
  }
  if (pendingStages(form, await listReviews(db, formId)).length === 0) {
    await db.updateTable('rollout_forms').set({ state: 'reviewed', updated_at: now }).where('id', '=', formId).execute();
  }
}
