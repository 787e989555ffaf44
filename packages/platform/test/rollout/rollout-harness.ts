import type { LightMyRequestResponse } from 'fastify';
import { bearer, type Harness } from '../api/harness.ts';
import { creditCodeCheck } from '../../src/registry/organisation-code.ts';

/** Sends a JSON request with a bearer token and returns the response. */
export function call(h: Harness, token: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<LightMyRequestResponse> {
  return h.app.inject({ method, url, headers: bearer(token), ...(payload !== undefined && { payload: payload as object }) });
}

/** Returns the JSON body of a response after checking its status, with the body in the failure message. */
export function expectStatus<T = any>(response: LightMyRequestResponse, status: number): T {
  if (response.statusCode !== status) throw new Error(`expected HTTP ${status}, got ${response.statusCode}: ${response.body}`);
  return response.json() as T;
}

export const batchBodies = {
  first: {
    number: 1,
    name: '第一批',
    scopeRule: { unitCategories: { exclude: ['discipline_inspection', 'court', 'procuratorate', 'justice', 'public_security'] } },
    deadlines: { registration: '2022-05-10', review: '2022-05-20', installation: '2022-10-15', acceptance: '2022-10-15', data_security: '2022-12-31' },
  },
  second: {
    number: 2,
    name: '第二批',
    scopeRule: { unitCategories: { include: ['discipline_inspection', 'court', 'procuratorate', 'justice', 'public_security'] }, leadershipVehicles: { minRank: '副处级' } },
    deadlines: {},
  },
};

let codeCounter = 100;

/** Returns a fresh valid unified social credit code (GB 32100 check character). */
export function nextCreditCode(): string {
  const body = `1165310000007${String(++codeCounter).padStart(4, '0')}`;
  return body + creditCodeCheck(body)!;
}

export interface SeededUnit {
  unitId: number;
  vehicleIds: number[];
  formId: number;
  letterId: number;
}

/**
 * Drives a unit without a supervising department through the API up to its reply letter: the
 * unit and its vehicles, its operator's form with every vehicle on the install list, the bureau's approval.
 */
export async function seedLetteredUnit(h: Harness, bureau: string, batchId: number, name: string, plates: string[]): Promise<SeededUnit> {
  const unitBody = { name, level: '正处级', nature: '行政机关', organisationCode: nextCreditCode(), address: '喀什市人民东路1号', vehicleQuota: plates.length, actualCount: plates.length };
  const unitId = expectStatus(await call(h, bureau, 'POST', '/api/units', unitBody), 201).id as number;
  const vehicleIds: number[] = [];
  for (const plate of plates) {
    vehicleIds.push(expectStatus(await call(h, bureau, 'POST', '/api/vehicles', { unitId, plate, brandModel: '丰田卡罗拉', vehicleType: '轿车', usageNature: '一般公务用车' }), 201).id);
  }
  const formBody = { unitId, batchId, staffName: '王磊', staffPhone: '13999990000', vehicleQuota: plates.length, actualCount: plates.length, install: plates.map((plate) => ({ plate })) };
  const operator = await h.loginAs('unit_operator', { unitId });
  const formId = expectStatus(await call(h, operator, 'POST', '/api/rollout/forms', formBody), 201).id as number;
  expectStatus(await call(h, operator, 'POST', `/api/rollout/forms/${formId}/submit`), 200);
  const opinion = { stage: 'bureau', decision: 'approve', comment: '同意安装', sealText: '（喀什地区机关事务管理局印章）' };
  expectStatus(await call(h, bureau, 'POST', `/api/rollout/forms/${formId}/reviews`, opinion), 201);
  const letterId = expectStatus(await call(h, bureau, 'POST', `/api/rollout/forms/${formId}/letter`), 201).id as number;
  return { unitId, vehicleIds, formId, letterId };
}

let phoneCounter = 0;

/**
 * Creates the unit's work orders and binds a terminal to each of the first `count` through the API.
 * Those orders are then marked completed in the store, as the debugging check would after the
 * terminal reports (flow.test.ts drives that check over TCP). Returns the terminals' ids.
 */
export async function seedInstalled(h: Harness, bureau: string, unit: SeededUnit, batchId: number, count: number): Promise<number[]> {
  const { created } = expectStatus<{ created: number[] }>(await call(h, bureau, 'POST', '/api/rollout/work-orders', { unitId: unit.unitId, batchId, plannedDate: '2022-06-01' }), 201);
  const terminalIds: number[] = [];
  for (const orderId of created.slice(0, count)) {
    const n = ++phoneCounter;
    const binding = { phone: `0139000${String(n).padStart(5, '0')}`, terminalId: `S${n}`, imei: `8600000000${String(n).padStart(5, '0')}`, iccid: `898600000000${String(n).padStart(8, '0')}`, manufacturerId: 'GC001', terminalModel: 'GC-T1' };
    const order = expectStatus(await call(h, bureau, 'PUT', `/api/rollout/work-orders/${orderId}/terminal`, binding), 200);
    h.store.sqlite.prepare("UPDATE rollout_work_orders SET state = 'completed', completed_at = ? WHERE id = ?").run(Date.now(), orderId);
    terminalIds.push(order.terminal.id);
  }
  return terminalIds;
}

/** Records a signed acceptance of the unit directly in the store (the checklist itself is driven in flow.test.ts). */
export function seedAcceptance(h: Harness, unitId: number, batchId: number, inspectorId: number): void {
  h.store.sqlite.prepare("INSERT INTO rollout_acceptances (unit_id, batch_id, checklist, remarks, inspector_id, signed_at) VALUES (?, ?, '{}', '现场验收合格', ?, ?)").run(unitId, batchId, inspectorId, Date.now());
}
