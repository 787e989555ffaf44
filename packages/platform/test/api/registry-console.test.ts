import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { bearer, errorCode, startHarness, type Harness } from './harness.ts';
import { insertFleetVehicle } from './fixtures.ts';

// The registry writes of the console's vehicles and terminals page: unbinding, and the registration form import.
let h: Harness;
let admin: string;

before(async () => {
  h = await startHarness();
  admin = await h.loginAs('bureau_admin');
});
after(async () => h.close());

const post = (url: string, payload: object, token = admin) => h.app.inject({ method: 'POST', url, headers: bearer(token), payload });
const patch = (url: string, payload: object, token = admin) => h.app.inject({ method: 'PATCH', url, headers: bearer(token), payload });
const get = (url: string, token = admin) => h.app.inject({ method: 'GET', url, headers: bearer(token) });
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const vehicleCount = async () => (await h.store.db.selectFrom('vehicles').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

interface AuditDetail {
  fields: string[];
  previousVehicleId?: number | null;
  vehicleId?: number | null;
}

async function terminalAuditDetails(terminalId: number): Promise<AuditDetail[]> {
  const rows = await h.store.db.selectFrom('audit_log').select('detail').where('action', '=', 'terminal.updated').where('object_id', '=', String(terminalId)).orderBy('seq').execute();
  return rows.map((row) => JSON.parse(String(row.detail)) as AuditDetail);
}

describe('terminal unbinding', () => {
  test('unbinding leaves the vehicle without terminal', async () => {
    const fleet = await insertFleetVehicle(h.store.db, '喀什地区财政局', '新QA1001', '013800001001');
    const response = await patch(`/api/terminals/${fleet.terminalId}`, { vehicleId: null });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().vehicleId, null);

    const vehicle = await get(`/api/vehicles/${fleet.vehicleId}`);
    assert.equal(vehicle.json().terminal, null);
    const terminal = await get(`/api/terminals/${fleet.terminalId}`);
    assert.equal(terminal.statusCode, 200, 'the terminal stays in the registry');
    assert.equal(terminal.json().phone, '013800001001');
  });

  test('audit entry names the vehicle', async () => {
    const fleet = await insertFleetVehicle(h.store.db, '喀什地区财政局', '新QA1002', '013800001002');
    assert.equal((await patch(`/api/terminals/${fleet.terminalId}`, { vehicleId: null })).statusCode, 200);

    const details = await terminalAuditDetails(fleet.terminalId);
    assert.equal(details.length, 1);
    assert.deepEqual(details[0]!.fields, ['vehicleId']);
    assert.equal(details[0]!.previousVehicleId, fleet.vehicleId);
    assert.equal(details[0]!.vehicleId, null);
  });

  test('binding to equipped vehicle conflicts', async () => {
    const first = await insertFleetVehicle(h.store.db, '喀什地区财政局', '新QA1003', '013800001003');
    const second = await insertFleetVehicle(h.store.db, '喀什地区财政局', '新QA1004', '013800001004');
    const response = await patch(`/api/terminals/${second.terminalId}`, { vehicleId: first.vehicleId });
    assert.equal(response.statusCode, 409);
    assert.equal(errorCode(response), 'GONGCHE_ERR_VEHICLE_HAS_TERMINAL');
    assert.equal(response.json().error.value, '013800001003', 'the value is the bound terminal\'s phone');

    assert.equal((await patch(`/api/terminals/${first.terminalId}`, { vehicleId: null })).statusCode, 200);
    const rebound = await patch(`/api/terminals/${second.terminalId}`, { vehicleId: first.vehicleId });
    assert.equal(rebound.statusCode, 200, rebound.body);
    const details = await terminalAuditDetails(second.terminalId);
    assert.equal(details.at(-1)!.previousVehicleId, second.vehicleId);
    assert.equal(details.at(-1)!.vehicleId, first.vehicleId);
  });

  test('editing other fields records no binding change', async () => {
    const fleet = await insertFleetVehicle(h.store.db, '喀什地区财政局', '新QA1005', '013800001005');
    assert.equal((await patch(`/api/terminals/${fleet.terminalId}`, { iccid: '89860012345678901234' })).statusCode, 200);
    const [detail] = await terminalAuditDetails(fleet.terminalId);
    assert.deepEqual(detail!.fields, ['iccid']);
    assert.equal('previousVehicleId' in detail!, false);
  });

  test('unit_operator cannot unbind own terminal', async () => {
    const fleet = await insertFleetVehicle(h.store.db, '喀什地区审计局', '新QA1006', '013800001006');
    const operator = await h.loginAs('unit_operator', { unitId: fleet.unitId });
    const response = await patch(`/api/terminals/${fleet.terminalId}`, { vehicleId: null }, operator);
    assert.equal(response.statusCode, 403);
    assert.equal(errorCode(response), 'GONGCHE_ERR_FORBIDDEN');
    const terminal = await h.store.db.selectFrom('terminals').select('vehicle_id').where('id', '=', fleet.terminalId).executeTakeFirstOrThrow();
    assert.equal(terminal.vehicle_id, fleet.vehicleId);
    assert.equal((await terminalAuditDetails(fleet.terminalId)).length, 0);
  });
});

const header = '单位名称,品牌型号,车牌号,车辆类型,使用性质,备注,终端手机号';

describe('POST /api/registry/import', () => {
  test('bad row reported with row number', async () => {
    const before = await vehicleCount();
    const csv = [header, '喀什地区统计局,丰田 凯美瑞,新QB2001,轿车,一般公务用车,,013800002001', '喀什地区统计局,别克 GL8,新QB20,商务车,一般公务用车,,013800002002'].join('\n');
    const response = await post('/api/registry/import', { format: 'csv', contentBase64: base64(csv), fileName: '统计局.csv' });
    assert.equal(response.statusCode, 400);
    assert.equal(errorCode(response), 'GONGCHE_ERR_IMPORT_ROWS');
    const details = response.json().error.details as { row: number; column: string; value: string }[];
    assert.equal(details.length, 1);
    assert.equal(details[0]!.row, 3);
    assert.equal(details[0]!.column, '车牌号');
    assert.equal(details[0]!.value, '新QB20');
    assert.equal(await vehicleCount(), before, 'nothing was imported');
    const unit = await h.store.db.selectFrom('units').select('id').where('name', '=', '喀什地区统计局').executeTakeFirst();
    assert.equal(unit, undefined, 'no unit was created');
  });

  test('dry run stores nothing', async () => {
    const before = await vehicleCount();
    const csv = [header, '喀什地区林草局,丰田 凯美瑞,新QB2101,轿车,一般公务用车,,013800002101'].join('\n');
    const response = await post('/api/registry/import', { format: 'csv', contentBase64: base64(csv), dryRun: true });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().imported, false);
    assert.equal(response.json().vehicles, 1);
    assert.deepEqual(response.json().unitsCreated, ['喀什地区林草局']);
    assert.equal(await vehicleCount(), before);
  });

  test('imports an XLSX form and audits it', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('登记表');
    sheet.addRow(header.split(','));
    sheet.addRow(['喀什地区水利局', '比亚迪 汉', '新QD12345', '轿车', '一般公务用车', '', '013800002201']);
    sheet.addRow(['喀什地区水利局', '丰田 普拉多', '新qb 2202', '越野车', '执法执勤用车', '防汛', '013800002202']);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());

    const response = await post('/api/registry/import', { format: 'xlsx', contentBase64: bytes.toString('base64'), fileName: '水利局.xlsx' });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.json().imported, true);
    assert.equal(response.json().vehicles, 2);

    const vehicles = (await get('/api/vehicles?plate=新QB2202')).json().items;
    assert.equal(vehicles.length, 1);
    assert.equal(vehicles[0].terminal.phone, '013800002202');
    const entry = await h.store.db.selectFrom('audit_log').select(['detail', 'actor_username']).where('action', '=', 'registry.imported').executeTakeFirstOrThrow();
    assert.equal(JSON.parse(String(entry.detail)).file, '水利局.xlsx');
  });

  test('unreadable XLSX is a validation error', async () => {
    const response = await post('/api/registry/import', { format: 'xlsx', contentBase64: base64('not a workbook') });
    assert.equal(response.statusCode, 400);
    assert.equal(errorCode(response), 'GONGCHE_ERR_VALIDATION');
  });

  test('roles without registry writes get 403', async () => {
    const csv = [header, '喀什地区交通局,丰田 凯美瑞,新QB2301,轿车,一般公务用车,,013800002301'].join('\n');
    for (const role of ['unit_operator', 'inspector', 'installer'] as const) {
      const response = await post('/api/registry/import', { format: 'csv', contentBase64: base64(csv) }, await h.loginAs(role));
      assert.equal(response.statusCode, 403, role);
      assert.equal(errorCode(response), 'GONGCHE_ERR_FORBIDDEN');
    }
    const sysAdmin = await post('/api/registry/import', { format: 'csv', contentBase64: base64(csv), dryRun: true }, await h.loginAs('sys_admin'));
    assert.equal(sysAdmin.statusCode, 200, sysAdmin.body);
  });
});
