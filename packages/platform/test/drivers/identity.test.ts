import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeFrame, decodeMessage, escapeFrame } from '@gongche/jt808';
import { RawTerminal, startTestGateway, type TestGateway } from '../helpers/gateway-harness.ts';
import { loadDriverReports } from '../../src/drivers/repository.ts';
import { listDriverReports } from '../../src/drivers/reports.ts';
import { openFrame } from '../../src/ingest/sealed-rows.ts';
import { requireKeyring } from '../../src/crypto/setup.ts';
import { gbkCodec } from '../../src/text-codec.ts';

let t: TestGateway;
let ids: { vehicleId: number; terminalId: number };

before(async () => {
  t = await startTestGateway();
  ids = await t.addTerminal('013980000001', '新Q80001');
  const unit = await t.store.db.selectFrom('vehicles').select('unit_id').where('id', '=', ids.vehicleId).executeTakeFirstOrThrow();
  const now = Date.now();
  await t.store.db.insertInto('drivers').values({ unit_id: unit.unit_id, name: '艾尔肯', ic_card_number: '653101198800001234', phone: null, licence_number: null, licence_class: 'C1', active: 1, created_at: now, updated_at: now }).execute();
});
after(() => t.close());

const onDuty = new Date('2025-05-06T01:30:00Z');
const offDuty = new Date('2025-05-06T09:45:00Z');

describe('driver identity over TCP', () => {
  test('stores card insertion and removal', async () => {
    const terminal = await RawTerminal.connect(t.gateway.port, '013980000001');
    await terminal.login('新Q80001');
    const inserted = terminal.send({
      messageId: 0x0702,
      body: { layout: '2013', state: 1, time: onDuty, timeBcd: '', readResult: 0, driverName: '艾尔肯', qualificationCode: '653101198800001234', issuingAuthority: '喀什地区交通运输局', certificateExpiry: '20300101' },
    });
    assert.equal(await terminal.ack(inserted), 0);
    const removed = terminal.send({ messageId: 0x0702, body: { layout: '2013', state: 2, time: offDuty, timeBcd: '' } });
    assert.equal(await terminal.ack(removed), 0);
    terminal.close();

    const rows = await t.store.db.selectFrom('driver_reports').selectAll().orderBy('id').execute();
    assert.equal(rows.length, 2);
    assert.deepEqual(rows.map((r) => [r.state, r.card_number, r.driver_name, r.device_time, r.vehicle_id, r.read_result]), [
      ['in', '653101198800001234', '艾尔肯', onDuty.getTime(), ids.vehicleId, 0],
      ['out', null, null, offDuty.getTime(), ids.vehicleId, null],
    ]);

    // The sealed raw frame stays the evidence and decodes to the same report.
    const frame = await t.store.db.selectFrom('raw_frames').selectAll().where('id', '=', rows[0]!.raw_frame_id!).executeTakeFirstOrThrow();
    const content = openFrame(requireKeyring(t.store), frame);
    const message = decodeMessage(decodeFrame(escapeFrame(content)), { text: gbkCodec });
    assert.equal(message.messageId, 0x0702);
    assert.equal(message.messageId === 0x0702 && message.body.driverName, '艾尔肯');
  });

  test('loads reports by device time', async () => {
    const reports = await loadDriverReports(t.store.db, { vehicleId: ids.vehicleId, from: onDuty.getTime(), to: onDuty.getTime() + 3_600_000 });
    assert.deepEqual(reports.map((r) => [r.state, r.cardNumber]), [['in', '653101198800001234']]);
    assert.ok(reports[0]!.rawFrameId! > 0);
    const both = await loadDriverReports(t.store.db, { vehicleId: ids.vehicleId, from: onDuty.getTime(), to: offDuty.getTime() });
    assert.deepEqual(both.map((r) => r.state), ['in', 'out']);
  });

  test('matches cards to registered drivers', async () => {
    const listed = await listDriverReports(t.store.db, { vehicleId: ids.vehicleId, from: 0, to: Date.now() + 86_400_000, limit: 10 });
    assert.deepEqual(listed.map((r) => [r.state, r.registered]), [['out', false], ['in', true]]);
  });

  test('stores a failed card read', async () => {
    const terminal = await RawTerminal.connect(t.gateway.port, '013980000001');
    await terminal.login('新Q80001');
    const serial = terminal.send({ messageId: 0x0702, body: { layout: '2013', state: 1, time: offDuty, timeBcd: '', readResult: 2 } });
    assert.equal(await terminal.ack(serial), 0);
    terminal.close();
    const row = await t.store.db.selectFrom('driver_reports').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    assert.deepEqual([row.state, row.read_result, row.card_number], ['in', 2, null]);
  });
});
