import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { encodeBody, encodeMessage, encodeSubpackages } from '@gongche/jt808';
import { RawTerminal, startTestGateway, type TestGateway } from '../helpers/gateway-harness.ts';
import { position } from '../helpers/positions.ts';
import { gbkCodec } from '../../src/text-codec.ts';
import { openFrame, PositionReader } from '../../src/ingest/sealed-rows.ts';
import { positionsWithFrames, sealedRow } from '../../src/api/positions-query.ts';

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('gateway location ingest', () => {
  let t: TestGateway;
  let ids: { vehicleId: number; terminalId: number };
  let client: RawTerminal;
  before(async () => {
    t = await startTestGateway();
    ids = await t.addTerminal('013900000011', '新Q20011');
    client = await RawTerminal.connect(t.gateway.port, '013900000011');
    await client.login('新Q20011');
  });
  after(async () => {
    client.close();
    await t.close();
  });

  const rows = () => t.store.db.selectFrom('positions').selectAll().where('terminal_id', '=', ids.terminalId).orderBy('id').execute();

  it('stores a 0x0200 report with its raw frame before acknowledging it', async () => {
    const time = new Date('2026-12-04T03:00:00Z');
    const serial = client.send({ messageId: 0x0200, body: position({ time, items: [{ id: 0x01, raw: Buffer.from('00000400', 'hex') }] }) });
    assert.equal(await client.ack(serial), 0);
    const [row] = await rows();
    assert.ok(row);
    assert.equal(row.vehicle_id, ids.vehicleId);
    assert.equal(row.device_time, time.getTime());
    const joined = await positionsWithFrames(t.store.db).where('positions.id', '=', row.id).executeTakeFirstOrThrow();
    const values = new PositionReader(t.store.keyring!).values(sealedRow(joined));
    assert.equal(row.sealed, null);
    assert.equal(values.latitude, 39.467712);
    assert.equal(values.longitude, 75.993823);
    assert.equal(values.speedKmh, 36.5);
    assert.deepEqual(values.items, [[1, '00000400']]);
    assert.equal(row.valid, 1);
    assert.equal(row.batch_type, null);
    const frame = await t.store.db.selectFrom('raw_frames').selectAll().where('id', '=', row.raw_frame_id).executeTakeFirstOrThrow();
    assert.equal(frame.message_id, 0x0200);
    assert.equal(frame.serial, serial);
    assert.equal(openFrame(t.store.keyring!, frame).readUInt16BE(0), 0x0200);
  });

  it('stores a resent report with a new serial only once', async () => {
    const body = position({ time: new Date('2026-12-04T03:00:30Z'), latitude: 39.468 });
    const before = (await rows()).length;
    assert.equal(await client.ack(client.send({ messageId: 0x0200, body })), 0);
    assert.equal(await client.ack(client.send({ messageId: 0x0200, body })), 0);
    assert.equal((await rows()).length, before + 1);
  });

  it('stores a blind-area batch in device-time order with its batch type', async () => {
    const base = Date.parse('2026-12-04T02:00:00Z');
    const batch = [2, 0, 1].map((i) => position({ time: new Date(base + i * 10_000), latitude: 39.46 + i * 0.0001 }));
    const serial = client.send({ messageId: 0x0704, body: { type: 1, count: 3, positions: batch } });
    assert.equal(await client.ack(serial), 0);
    const stored = (await rows()).filter((r) => r.batch_type === 1);
    assert.deepEqual(stored.map((r) => r.device_time), [base, base + 10_000, base + 20_000]);
  });

  it('keeps a report without a fix but flags it out of tracks', async () => {
    const serial = client.send({ messageId: 0x0200, body: position({ time: new Date('2026-12-04T03:01:00Z'), fixed: false, latitude: 0, longitude: 0 }) });
    assert.equal(await client.ack(serial), 0);
    const last = (await rows()).at(-1)!;
    assert.equal(last.valid, 0);
    assert.equal(last.invalid_reason, 'no_fix');
  });

  it('flags a fix that jumps farther than a vehicle can drive', async () => {
    const serial = client.send({ messageId: 0x0200, body: position({ time: new Date('2026-12-04T03:01:30Z'), latitude: 43.8, longitude: 87.6 }) });
    assert.equal(await client.ack(serial), 0);
    const last = (await rows()).at(-1)!;
    assert.equal(last.valid, 0);
    assert.equal(last.invalid_reason, 'impossible_jump');
  });

  it('acknowledges a report that arrives one byte per TCP write', async () => {
    const serial = ++client.serial;
    const wire = encodeMessage({ edition: '2013', phone: '013900000011', serial }, { messageId: 0x0200, body: position({ time: new Date('2026-12-04T03:02:00Z') }) }, { text: gbkCodec });
    for (const byte of wire) {
      client.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(await client.ack(serial), 0);
  });

  it('acknowledges a good frame after junk and a bad frame', async () => {
    const badSerial = ++client.serial;
    const bad = encodeMessage({ edition: '2013', phone: '013900000011', serial: badSerial }, { messageId: 0x0002, body: {} });
    bad[bad.length - 2]! ^= 0x55;
    const goodSerial = ++client.serial;
    const good = encodeMessage({ edition: '2013', phone: '013900000011', serial: goodSerial }, { messageId: 0x0200, body: position({ time: new Date('2026-12-04T03:03:00Z') }) }, { text: gbkCodec });
    client.write(Buffer.concat([Buffer.from('GET / HTTP/1.1\r\n\r\n'), bad, good]));
    assert.equal(await client.ack(goodSerial), 0);
    await settle();
    assert.equal(client.received.some((m) => m.messageId === 0x8001 && m.body.replySerial === badSerial), false);
    assert.ok((t.gateway.discards.get('127.0.0.1') ?? t.gateway.discards.get('::ffff:127.0.0.1') ?? 0) >= 18);
  });

  it('closes and logs an HTTP request on the gateway port', async () => {
    const request = 'GET /api/vehicles HTTP/1.1\r\nHost: 127.0.0.1:6808\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n';
    const socket = net.connect(t.gateway.port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    // The client keeps its side open, as curl does while it waits for a response: the gateway closes it.
    socket.write(request);
    socket.resume();
    await new Promise((resolve) => socket.once('close', resolve));
    await settle();
    const line = t.logs.find((entry) => entry.msg === 'connection sent bytes that are not JT/T 808' && entry.discardedBytes === request.length);
    assert.ok(line, 'one warning for the connection');
    assert.equal(line.level, 40);
    assert.equal(line.reason, 'not_jt808');
    assert.match(String(line.remote), /127\.0\.0\.1/);
    assert.ok(Number(line.discardedFromAddress) >= request.length, 'the address\'s running total');
  });

  it('answers an unsupported message id with result 3', async () => {
    const serial = ++client.serial;
    const { encodeFrame } = await import('@gongche/jt808');
    client.write(encodeFrame({ edition: '2013', phone: '013900000011', serial }, 0x0f0f, Buffer.from([1, 2, 3])));
    assert.equal(await client.ack(serial), 3);
  });
});

describe('gateway emergency alarm', () => {
  it('keeps one emergency alarm until the bit drops', async () => {
    const t = await startTestGateway();
    try {
      const ids = await t.addTerminal('013900000021', '新Q20021');
      const client = await RawTerminal.connect(t.gateway.port, '013900000021');
      await client.login('新Q20021');
      const base = Date.parse('2026-12-04T04:00:00Z');
      const first = client.send({ messageId: 0x0200, body: position({ time: new Date(base), alarm: 1 }) });
      assert.equal(await client.ack(first), 0);
      assert.equal(await client.ack(client.send({ messageId: 0x0200, body: position({ time: new Date(base + 10_000), alarm: 1 }) })), 0);
      const alarms = await t.store.db.selectFrom('emergency_alarms').selectAll().execute();
      assert.equal(alarms.length, 1);
      assert.equal(alarms[0]!.alarm_serial, first);
      assert.equal(alarms[0]!.state, 'open');

      const confirmation = t.gateway.confirmAlarm(ids.terminalId, first, 1);
      const command = await client.next((m) => m.messageId === 0x8203);
      assert.equal(command.messageId === 0x8203 && command.body.alarmSerial, first);
      client.send({ messageId: 0x0001, body: { replySerial: command.header.serial, replyId: 0x8203, result: 0 } });
      await confirmation;

      assert.equal(await client.ack(client.send({ messageId: 0x0200, body: position({ time: new Date(base + 20_000), alarm: 0 }) })), 0);
      const cleared = await t.store.db.selectFrom('emergency_alarms').selectAll().execute();
      assert.equal(cleared.length, 1);
      assert.equal(cleared[0]!.state, 'cleared');
      assert.equal(client.received.filter((m) => m.messageId === 0x8203).length, 0);
      client.close();
    } finally {
      await t.close();
    }
  });

  it('rejects an alarm confirmation for a terminal that is offline', async () => {
    const t = await startTestGateway();
    try {
      const ids = await t.addTerminal('013900000022', '新Q20022');
      await assert.rejects(t.gateway.confirmAlarm(ids.terminalId, 1, 1), { code: 'GONGCHE_ERR_TERMINAL_OFFLINE' });
    } finally {
      await t.close();
    }
  });
});

describe('gateway connection limits', () => {
  it('closes a connection that sends more frames per second than allowed', async () => {
    const t = await startTestGateway((c) => { c.gateway.maxFramesPerSecond = 2; });
    try {
      await t.addTerminal('013900000031', '新Q20031');
      const client = await RawTerminal.connect(t.gateway.port, '013900000031');
      await client.login('新Q20031');
      for (let i = 0; i < 40; i++) client.send({ messageId: 0x0002, body: {} });
      await client.closed;
      assert.equal(await t.gateway.metrics.refusals.get().then((m) => m.values.find((v) => v.labels.reason === 'frame_rate_limit')?.value), 1);
    } finally {
      await t.close();
    }
  });

  it('closes a connection that buffers too much without completing a frame', async () => {
    const t = await startTestGateway((c) => { c.gateway.maxBufferedBytes = 1024; c.gateway.maxFrameBytes = 100_000; });
    try {
      const client = await RawTerminal.connect(t.gateway.port, '013900000032');
      client.write(Buffer.concat([Buffer.from([0x7e]), Buffer.alloc(4096, 0x11)]));
      await client.closed;
    } finally {
      await t.close();
    }
  });

  it('closes a connection that sends only bytes that are not JT/T 808', async () => {
    const t = await startTestGateway();
    try {
      const client = await RawTerminal.connect(t.gateway.port, '013900000033');
      client.write(Buffer.alloc(8192, 0x41));
      await client.closed;
    } finally {
      await t.close();
    }
  });
});

describe('gateway alarm confirmation after reconnect', () => {
  it('confirms an offline acknowledgement at re-authentication', async () => {
    const t = await startTestGateway();
    try {
      const ids = await t.addTerminal('013900000023', '新Q20023');
      const first = await RawTerminal.connect(t.gateway.port, '013900000023');
      await first.login('新Q20023');
      const serial = first.send({ messageId: 0x0200, body: position({ time: new Date('2026-12-04T04:10:00Z'), alarm: 1 }) });
      assert.equal(await first.ack(serial), 0);
      first.close();
      await first.closed;

      // A user acknowledges while the terminal is offline: the API records it without a confirmation.
      await t.store.db.updateTable('emergency_alarms').set({ state: 'acknowledged', acknowledged_at: Date.now() }).where('terminal_id', '=', ids.terminalId).execute();

      const second = await RawTerminal.connect(t.gateway.port, '013900000023');
      await second.login('新Q20023');
      const command = await second.next((m) => m.messageId === 0x8203);
      assert.equal(command.messageId === 0x8203 && command.body.alarmSerial, serial);
      second.send({ messageId: 0x0001, body: { replySerial: command.header.serial, replyId: 0x8203, result: 0 } });
      // The confirmation is recorded once the response is processed. Poll, because a loaded machine may take a while.
      let alarm = await t.store.db.selectFrom('emergency_alarms').selectAll().executeTakeFirstOrThrow();
      for (let i = 0; i < 100 && !alarm.confirmation_sent_at; i++) {
        await new Promise((r) => setTimeout(r, 50));
        alarm = await t.store.db.selectFrom('emergency_alarms').selectAll().executeTakeFirstOrThrow();
      }
      assert.ok(alarm.confirmation_sent_at);
      second.close();
    } finally {
      await t.close();
    }
  });
});

describe('gateway subpackaged batch', () => {
  it('stores a blind-area batch that arrives in subpackages and reads its positions back', async () => {
    const t = await startTestGateway();
    try {
      await t.addTerminal('013900000024', '新Q20024');
      const client = await RawTerminal.connect(t.gateway.port, '013900000024');
      await client.login('新Q20024');
      const base = Date.parse('2026-12-04T01:00:00Z');
      const batch = Array.from({ length: 12 }, (_, i) => position({ time: new Date(base + i * 30_000), latitude: 39.45 + i * 0.001 }));
      const body = encodeBody({ edition: '2013', phone: '013900000024', serial: 0 }, { messageId: 0x0704, body: { type: 1, count: batch.length, positions: batch } }, { text: gbkCodec });
      const packages = encodeSubpackages({ edition: '2013', phone: '013900000024', serial: 100 }, 0x0704, body, 200);
      assert.ok(packages.length > 1);
      for (const wire of packages) client.write(wire);
      for (let i = 0; i < packages.length; i++) assert.equal(await client.ack(100 + i), 0, `package ${i + 1}`);
      await new Promise((r) => setTimeout(r, 50));

      const rows = await positionsWithFrames(t.store.db).orderBy('device_time').execute();
      assert.equal(rows.length, 12);
      const reader = new PositionReader(t.store.keyring!);
      rows.forEach((row, i) => {
        assert.notEqual(row.sealed, null);
        assert.equal(reader.values(sealedRow(row)).latitude, Number((39.45 + i * 0.001).toFixed(6)));
      });
      client.close();
    } finally {
      await t.close();
    }
  });
});

describe('gateway back-pressure', () => {
  it('pauses reading under back-pressure, then acknowledges all', async () => {
    const t = await startTestGateway((c) => { c.gateway.maxUnacknowledgedReports = 2; });
    try {
      await t.addTerminal('013900000025', '新Q20025');
      const client = await RawTerminal.connect(t.gateway.port, '013900000025');
      await client.login('新Q20025');
      const base = Date.parse('2026-12-04T02:00:00Z');
      const serials = Array.from({ length: 30 }, (_, i) => client.send({ messageId: 0x0200, body: position({ time: new Date(base + i * 1000), latitude: 39.46 + i * 0.0001 }) }));
      for (const serial of serials) assert.equal(await client.ack(serial), 0);
      const stored = await t.store.db.selectFrom('positions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      assert.equal(Number(stored.n), 30);
      client.close();
    } finally {
      await t.close();
    }
  });
});
