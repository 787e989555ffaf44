import { creditCodeCheck } from '../../platform/src/registry/organisation-code.ts';
import type { TestServer } from './harness.ts';

/** Batch 1 of the prefecture's plan: every unit except discipline inspection and judicial ones. */
export const firstBatch = {
  number: 1,
  name: '第一批',
  scopeRule: { unitCategories: { exclude: ['discipline_inspection', 'court', 'procuratorate', 'justice', 'public_security'] } },
  deadlines: { registration: '2027-05-10', review: '2027-05-20', installation: '2027-10-15', acceptance: '2027-10-15', data_security: '2027-12-31' },
};

/** Batch 2: discipline inspection, judicial units and leadership vehicles of deputy-division officials and above. */
export const secondBatch = {
  number: 2,
  name: '第二批',
  scopeRule: { unitCategories: { include: ['discipline_inspection', 'court', 'procuratorate', 'justice', 'public_security'] }, leadershipVehicles: { minRank: '副处级' } },
  deadlines: {},
};

let codeCounter = 500;

/** Returns a fresh unified social credit code with a valid check character (GB 32100). */
export function creditCode(): string {
  const body = `1165310000007${String(++codeCounter).padStart(4, '0')}`;
  return body + creditCodeCheck(body)!;
}

/** The unit whose work orders the installer completes: its vehicles have no terminal yet. */
export const installerUnit = { name: '喀什地区统计局', plates: ['新Q71001', '新Q71002'] };

/**
 * Drives a new unit through the API up to its reviewed form: the unit and its vehicles (no
 * terminals), the operator's submitted form with every vehicle to install, and the bureau's
 * approval. Returns the unit's and the form's ids.
 */
export async function unitWithReviewedForm(server: TestServer, bureau: string, batchId: number, name: string, plates: string[]): Promise<{ unitId: number; formId: number }> {
  const unit = await server.call<{ id: number }>(bureau, 'POST', '/api/units', {
    name, level: '正处级', nature: '行政机关', organisationCode: creditCode(), address: '喀什市人民东路1号', vehicleQuota: plates.length, actualCount: plates.length,
  });
  for (const plate of plates) {
    await server.call(bureau, 'POST', '/api/vehicles', { unitId: unit.id, plate, brandModel: '丰田卡罗拉', vehicleType: '轿车', usageNature: '一般公务用车' });
  }
  const operatorName = `operator-${unit.id}`;
  await server.addUser({ username: operatorName, role: 'unit_operator', unitId: unit.id });
  const operator = await server.token(operatorName);
  const form = await server.call<{ id: number }>(operator, 'POST', '/api/rollout/forms', {
    unitId: unit.id, batchId, staffName: '王磊', staffPhone: '13999990000', vehicleQuota: plates.length, actualCount: plates.length, install: plates.map((plate) => ({ plate })),
  });
  await server.call(operator, 'POST', `/api/rollout/forms/${form.id}/submit`);
  await server.call(bureau, 'POST', `/api/rollout/forms/${form.id}/reviews`, { stage: 'bureau', decision: 'approve', comment: '同意安装', sealText: '（喀什地区机关事务管理局印章）' });
  return { unitId: unit.id, formId: form.id };
}

/** Drives a new unit through the API up to its work orders: the reviewed form, the reply letter and one work order per vehicle. Returns the unit's id. */
export async function unitWithWorkOrders(server: TestServer, bureau: string, batchId: number, name: string, plates: string[]): Promise<number> {
  const { unitId, formId } = await unitWithReviewedForm(server, bureau, batchId, name, plates);
  await server.call(bureau, 'POST', `/api/rollout/forms/${formId}/letter`);
  await server.call(bureau, 'POST', '/api/rollout/work-orders', { unitId, batchId, plannedDate: '2027-06-01' });
  return unitId;
}
