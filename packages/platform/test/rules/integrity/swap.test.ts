import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultConfig } from '../../../src/config.ts';
import { createLogger } from '../../../src/logger.ts';
import { openStore, type Store } from '../../../src/store/db.ts';
import { startGateway, type Gateway } from '../../../src/gateway/server.ts';
import { createUnit } from '../../../src/registry/units.ts';
import { createVehicle } from '../../../src/registry/vehicles.ts';
import { createTerminal } from '../../../src/registry/terminals.ts';
import { terminalInput, unitInput, vehicleInput } from '../../../src/registry/schemas.ts';
import { attachTestKeyring } from '../../helpers/keyring.ts';
import { RawTerminal } from '../../helpers/gateway-harness.ts';
import { setVehicleAssignment } from '../../../src/rules/templates/repository.ts';
import { integrityDetectors, integritySweepChecks } from '../../../src/rules/integrity/index.ts';
import type { Detector } from '../../../src/rules/engine/types.ts';

let dir: string;
let store: Store;
let gateway: Gateway;
let unitId: number;
const published: number[] = [];

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-swap-'));
  const config = defaultConfig({ dataDir: dir, jt808Host: '127.0.0.1', jt808Port: 0 });
  store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  attachTestKeyring(store);
  gateway = await startGateway({ store, config, logger: createLogger(), alertHub: { publish: async (id) => void published.push(id) } });
  unitId = (await createUnit(store.db, unitInput.parse({ name: '喀什地区公安局' }))).id;
});
after(async () => {
  await gateway.close();
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function addTerminal(phone: string, plate: string, fields: { terminalId?: string; iccid?: string } = {}) {
  const vehicle = await createVehicle(store.db, vehicleInput.parse({ unitId, plate, vehicleType: '越野车', usageNature: '执法执勤用车' }));
  const terminal = await createTerminal(store.db, terminalInput.parse({ phone, vehicleId: vehicle.id, ...fields }));
  return { vehicleId: vehicle.id, terminalId: terminal.id };
}

/** Sends 0x0100 with the given terminal id and waits for 0x8100; returns its result. */
async function register(client: RawTerminal, terminalId: string, plate: string): Promise<number> {
  const serial = client.send({ messageId: 0x0100, body: { layout: '2013', provinceId: 65, cityId: 3101, manufacturerId: 'GC001', terminalModel: 'GC-T1', terminalId, plateColor: 1, plate } });
  const answer = await client.next((m) => m.messageId === 0x8100 && m.body.replySerial === serial);
  return answer.messageId === 0x8100 ? answer.body.result : -1;
}

async function swapAlerts(vehicleId: number) {
  const rows = await store.db.selectFrom('alerts').selectAll().where('vehicle_id', '=', vehicleId).where('rule', '=', 'device_swap').orderBy('id').execute();
  return rows.map((row) => ({ ...row, facts: JSON.parse(row.facts) as Record<string, unknown> }));
}

describe('terminal swap at registration', () => {
  test('other terminal id raises alert', async () => {
    const { vehicleId, terminalId } = await addTerminal('013911110001', '新Q20001', { terminalId: 'KS0001' });
    const client = await RawTerminal.connect(gateway.port, '013911110001');
    try {
      assert.equal(await register(client, 'KS0999', '新Q20001'), 0, 'the registration itself is still accepted');
    } finally {
      client.close();
    }

    const alerts = await swapAlerts(vehicleId);
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.facts.kind, 'terminal_id_changed');
    assert.equal(alerts[0]!.facts.storedTerminalId, 'KS0001');
    assert.equal(alerts[0]!.facts.reportedTerminalId, 'KS0999');
    assert.equal(alerts[0]!.facts.messageId, '0x0100');
    assert.equal(alerts[0]!.severity, 'high');
    assert.equal(alerts[0]!.terminal_id, terminalId);
    assert.ok(published.includes(alerts[0]!.id), 'the new alert was published');
    const row = await store.db.selectFrom('terminals').select('terminal_id').where('id', '=', terminalId).executeTakeFirstOrThrow();
    assert.equal(row.terminal_id, 'KS0999', 'the registry keeps the reported terminal id as before');
  });

  test('same terminal id stays silent', async () => {
    const { vehicleId } = await addTerminal('013911110002', '新Q20002', { terminalId: 'KS0002' });
    const first = await addTerminal('013911110003', '新Q20003');
    for (const [phone, id, plate] of [['013911110002', 'KS0002', '新Q20002'], ['013911110003', 'KS0003', '新Q20003']] as const) {
      const client = await RawTerminal.connect(gateway.port, phone);
      assert.equal(await register(client, id, plate), 0);
      client.close();
    }
    assert.equal((await swapAlerts(vehicleId)).length, 0, 'the stored id was reported');
    assert.equal((await swapAlerts(first.vehicleId)).length, 0, 'a first registration has nothing to compare with');
  });

  test('terminal moved between vehicles', async () => {
    const from = await addTerminal('013911110004', '新Q20004', { terminalId: 'KS0004' });
    const to = await addTerminal('013911110005', '新Q20005', { terminalId: 'KS0005' });
    const before = published.length;
    for (let i = 0; i < 2; i++) {
      const client = await RawTerminal.connect(gateway.port, '013911110005');
      assert.equal(await register(client, 'KS0004', '新Q20005'), 0);
      client.close();
    }

    const onTarget = await swapAlerts(to.vehicleId);
    assert.deepEqual(onTarget.map((a) => a.facts.kind).sort(), ['terminal_id_changed', 'terminal_id_on_other_phone']);
    const moved = onTarget.find((a) => a.facts.kind === 'terminal_id_on_other_phone')!;
    assert.equal(moved.facts.otherPhone, '013911110004');
    assert.equal(moved.facts.otherPlate, '新Q20004');

    const onSource = await swapAlerts(from.vehicleId);
    assert.equal(onSource.length, 1, 'the vehicle the terminal left gets its own alert, once');
    assert.equal(onSource[0]!.facts.kind, 'terminal_id_on_other_phone');
    assert.equal(onSource[0]!.facts.phone, '013911110005');
    assert.equal(published.length - before, 3, 'the second registration merged into the same alerts');
  });

  test('other ICCID in attributes', async () => {
    const { vehicleId } = await addTerminal('013911110006', '新Q20006', { terminalId: 'KS0006', iccid: '89860012345678901234' });
    const client = await RawTerminal.connect(gateway.port, '013911110006');
    try {
      await client.login('新Q20006');
      const serial = client.send({
        messageId: 0x0107,
        body: { terminalType: 1, manufacturerId: 'GC001', terminalModel: 'GC-T1', terminalId: 'KS0006', iccid: '89860099999999999999', hardwareVersion: 'H1', firmwareVersion: 'F1', gnssAttributes: 3, commAttributes: 1 },
      });
      assert.equal(await client.ack(serial), 0);
    } finally {
      client.close();
    }

    const alerts = (await swapAlerts(vehicleId)).filter((a) => a.facts.kind === 'iccid_changed');
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.facts.storedIccid, '89860012345678901234');
    assert.equal(alerts[0]!.facts.reportedIccid, '89860099999999999999');
    assert.equal(alerts[0]!.facts.messageId, '0x0107');
  });

  test('template switches swap check off', async () => {
    const { vehicleId } = await addTerminal('013911110008', '新Q20008', { terminalId: 'KS0008' });
    const checks = [...integrityDetectors, ...integritySweepChecks] as Detector<unknown, unknown>[];
    await setVehicleAssignment(store.db, vehicleId, { templateId: null, overrides: { detectors: { device_swap: { enabled: false } } } }, checks, null);
    const client = await RawTerminal.connect(gateway.port, '013911110008');
    assert.equal(await register(client, 'KS0888', '新Q20008'), 0);
    client.close();
    assert.equal((await swapAlerts(vehicleId)).length, 0);
  });

  test('unbound terminal raises nothing', async () => {
    await createTerminal(store.db, terminalInput.parse({ phone: '013911110007', terminalId: 'KS0007' }));
    const count = async () => Number((await store.db.selectFrom('alerts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    const client = await RawTerminal.connect(gateway.port, '013911110007');
    assert.equal(await register(client, 'KS0777', '新Q20007'), 0);
    client.close();
    assert.equal(await count(), before, 'an alert needs a vehicle, and this terminal has none');
  });
});
