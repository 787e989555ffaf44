import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.ts';
import { AppError } from '../errors.ts';
import { computeAssignments, scopeVehicles } from './scope.ts';
import { assertFormState, getForm, type FormDetail } from './forms.ts';

/** One reason a form cannot be submitted, with a stable code and the offending value. */
export interface FormProblem {
  code: string;
  message: string;
  value?: unknown;
}

function fieldProblems(form: FormDetail): FormProblem[] {
  const required: [string, unknown][] = [
    ['unit level (单位级别)', form.unit.level],
    ['unit nature (单位性质)', form.unit.nature],
    ['organisation code (组织机构代码)', form.unit.organisationCode],
    ['unit address (单位地址)', form.unit.address],
    ['designated staff (填报人)', form.staffName],
    ['staff phone (联系电话)', form.staffPhone],
    ['vehicle quota (编制数)', form.vehicleQuota],
    ['actual count (实有数)', form.actualCount],
  ];
  return required
    .filter(([, value]) => value === null || value === undefined)
    .map(([field]) => ({ code: 'GONGCHE_ERR_FORM_FIELD_MISSING', message: `The ${field} is missing; fill it in the registry or on the form`, value: field }));
}

async function countProblems(db: Kysely<Database>, form: FormDetail): Promise<FormProblem[]> {
  const problems: FormProblem[] = [];
  const owned = await db.selectFrom('vehicles').select((eb) => eb.fn.countAll<number>().as('n')).where('unit_id', '=', form.unitId).where('status', '!=', 'disposed').executeTakeFirstOrThrow();
  if (form.actualCount !== null && form.actualCount !== Number(owned.n)) {
    problems.push({ code: 'GONGCHE_ERR_FORM_COUNT_MISMATCH', message: `The actual count (实有数) is ${form.actualCount} but the registry holds ${owned.n} vehicles of this unit that are not disposed; correct the count or the registry`, value: form.actualCount });
  }
  if (form.actualCount !== null && form.vehicleQuota !== null && form.actualCount > form.vehicleQuota) {
    problems.push({ code: 'GONGCHE_ERR_FORM_OVER_QUOTA', message: `The actual count ${form.actualCount} exceeds the vehicle quota (编制数) ${form.vehicleQuota}`, value: form.actualCount });
  }
  return problems;
}

async function vehicleProblems(db: Kysely<Database>, form: FormDetail): Promise<FormProblem[]> {
  const assignments = await computeAssignments(db);
  const inScope = new Set(scopeVehicles(assignments, form.unitId, form.batchId));
  const listed = [...form.install, ...form.exempt];
  const problems: FormProblem[] = [];
  const outside = listed.filter((line) => !inScope.has(line.vehicleId)).map((line) => line.plate);
  if (outside.length > 0) problems.push({ code: 'GONGCHE_ERR_FORM_VEHICLE_OUT_OF_SCOPE', message: `Not in this batch's scope (another batch, or disposed): ${outside.join(', ')}`, value: outside });
  const listedIds = new Set(listed.map((line) => line.vehicleId));
  const missingIds = [...inScope].filter((id) => !listedIds.has(id));
  if (missingIds.length > 0) {
    const plates = (await db.selectFrom('vehicles').select('plate').where('id', 'in', missingIds).orderBy('id').execute()).map((row) => row.plate);
    problems.push({ code: 'GONGCHE_ERR_FORM_VEHICLE_MISSING', message: `Vehicles of the unit in this batch are on neither list: ${plates.join(', ')}; add each to the install list or the exempt list with a reason`, value: plates });
  }
  const noReason = form.exempt.filter((line) => !line.exemptReason).map((line) => line.plate);
  if (noReason.length > 0) problems.push({ code: 'GONGCHE_ERR_FORM_EXEMPT_REASON_MISSING', message: `Exempt vehicles without a reason (暂不安装原因): ${noReason.join(', ')}`, value: noReason });
  return problems;
}

/** Lists every reason the form cannot be submitted; empty when it can. */
export async function validateForm(db: Kysely<Database>, form: FormDetail): Promise<FormProblem[]> {
  return [...(await vehicleProblems(db, form)), ...(await countProblems(db, form)), ...fieldProblems(form)];
}

/**
 * Submits a draft form: rejects it with the first problem's code (every problem in `details`)
 * unless it is complete, then fixes it for review and copies the designated staff and counts to the unit.
 */
export async function submitForm(db: Kysely<Database>, id: number): Promise<FormDetail> {
  const form = await getForm(db, id);
  assertFormState(form, ['draft'], 'submitting it');
  const problems = await validateForm(db, form);
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new AppError(first.code, 400, `Form ${id} cannot be submitted: ${first.message}`, { value: first.value, details: problems });
  }
  const now = Date.now();
  await db.updateTable('rollout_forms').set({ state: 'submitted', submitted_at: now, updated_at: now }).where('id', '=', id).execute();
  await db
    .updateTable('units')
    .set({ staff_name: form.staffName, staff_phone: form.staffPhone, vehicle_quota: form.vehicleQuota, actual_count: form.actualCount, updated_at: now })
    .where('id', '=', form.unitId)
    .execute();
  return getForm(db, id);
}
