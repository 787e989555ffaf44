import { afterEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeaderEdition, Message, Position } from '@gongche/jt808';
import { createLogger } from '../../src/logger.ts';
import { RouteMover } from '../../src/simulator/mover.ts';
import { kashgarRoutes } from '../../src/simulator/routes.ts';
import { SimulatedTerminal, type SimulatedTerminalOptions } from '../../src/simulator/terminal.ts';
import { FakeGateway, type Received } from './fake-gateway.ts';

const logger = createLogger({ level: 'silent' });
const PHONE = '013900000000';
let gateway: FakeGateway | undefined;
let terminal: SimulatedTerminal | undefined;

afterEach(async () => {
  await terminal?.stop();
  await gateway?.close();
  terminal = undefined;
  gateway = undefined;
});

function newTerminal(port: number, options: Partial<SimulatedTerminalOptions> = {}): SimulatedTerminal {
  terminal = new SimulatedTerminal({
    host: '127.0.0.1',
    port,
    phone: PHONE,
    edition: '2013',
    intervalS: 0.1,
    logger,
    mover: new RouteMover(kashgarRoutes[1]!, { seed: 7 }),
    ackTimeoutMs: 300,
    reconnectMinMs: 50,
    reconnectMaxMs: 200,
    ...options,
  });
  return terminal;
}

const isId = (id: number) => (r: Received) => r.message.header.messageId === id;
const reports = (g: FakeGateway) => g.received.filter(isId(0x0200)).map((r) => r.message as Extract<Message, { messageId: 0x0200 }>);
function online(t: SimulatedTerminal): Promise<void> {
  if (t.phase === 'online') return Promise.resolve();
  return new Promise((resolve) => t.on('phase', (phase) => phase === 'online' && resolve()));
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForReports(g: FakeGateway, count: number, timeoutMs = 3000): Promise<Extract<Message, { messageId: 0x0200 }>[]> {
  const deadline = Date.now() + timeoutMs;
  while (reports(g).length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} reports, got ${reports(g).length}`);
    await sleep(20);
  }
  return reports(g);
}

describe('simulated terminal', () => {
  test('registers, authenticates, then reports the mover positions', async () => {
    gateway = await FakeGateway.start({ authCode: 'CODE-42' });
    const twin = new RouteMover(kashgarRoutes[1]!, { seed: 7 });
    twin.sample();
    const before = Math.floor(Date.now() / 1000) * 1000;
    // The first report is due after 300 ms, long after the local registration completes, so no report goes to the blind area.
    newTerminal(gateway.port, { intervalS: 0.3 }).start();

    const sent = await waitForReports(gateway, 3);
    const after = Date.now();
    const ids = gateway.received.map((r) => r.message.header.messageId);
    assert.deepEqual(ids.slice(0, 2), [0x0100, 0x0102]);
    const auth = gateway.received[1]!.message as Extract<Message, { messageId: 0x0102 }>;
    assert.equal(auth.body.authCode, 'CODE-42');
    assert.equal(terminal!.phase, 'online');

    for (const report of sent.slice(0, 3)) {
      const expected = twin.step(0.3);
      assert.ok(Math.abs(report.body.latitude - expected.latitude) < 1e-6, `latitude ${report.body.latitude} vs ${expected.latitude}`);
      assert.ok(Math.abs(report.body.longitude - expected.longitude) < 1e-6, `longitude ${report.body.longitude} vs ${expected.longitude}`);
      assert.equal(report.body.course, expected.course);
      assert.ok(report.body.time, 'device time decodes');
      assert.ok(report.body.time.getTime() >= before, `time ${report.body.time.toISOString()}`);
      assert.ok(report.body.time.getTime() <= after, `time ${report.body.time.toISOString()}`);
      assert.equal(report.body.fixed, true);
      assert.equal(report.body.acc, true);
      assert.deepEqual(report.body.items.map((item) => item.id), [0x01, 0x30, 0x31]);
    }
    assert.equal(sent[0]!.header.phone, PHONE);
    assert.equal(sent[0]!.header.edition, '2013');
  });

  test('stops with the reason when registration is rejected', async () => {
    gateway = await FakeGateway.start({ registrationResult: 4 });
    const t = newTerminal(gateway.port);
    const stopped = new Promise<string>((resolve) => t.once('stopped', resolve));
    t.start();

    const reason = await stopped;
    assert.match(reason, /registration rejected/);
    assert.match(reason, /4 \(terminal not in the platform database\)/);
    assert.equal(t.phase, 'stopped');
    await sleep(150);
    assert.equal(gateway.received.filter(isId(0x0102)).length, 0, 'no authentication after a rejection');
    assert.equal(gateway.connections, 1, 'no reconnection after a rejection');
  });

  test('resends an unanswered report with a new serial', async () => {
    let ignored: Message | undefined;
    gateway = await FakeGateway.start({
      ignore: (m) => {
        if (m.header.messageId !== 0x0200 || ignored) return false;
        ignored = m;
        return true;
      },
    });
    const t = newTerminal(gateway.port, { intervalS: 5 });
    t.start();
    await online(t);
    t.triggerEmergency();

    const firstReceived = await gateway.waitFor(isId(0x0200));
    const first = firstReceived.message as Extract<Message, { messageId: 0x0200 }>;
    assert.equal(ignored, first);
    const resend = await gateway.waitFor((r) => r.message.header.messageId === 0x0200 && r !== firstReceived, 2000);
    const second = resend.message as Extract<Message, { messageId: 0x0200 }>;
    assert.notEqual(second.header.serial, first.header.serial);
    assert.equal(second.body.timeBcd, first.body.timeBcd, 'the resend carries the same report');
    assert.equal(second.body.latitude, first.body.latitude);
    await sleep(50);
    assert.equal(t.stats.resent, 1);
    assert.equal(t.stats.acknowledged, 1);
  });

  test('uploads reports made offline as a 0x0704 type 1 batch after reconnecting', async () => {
    gateway = await FakeGateway.start();
    const t = newTerminal(gateway.port);
    t.start();
    await waitForReports(gateway, 2);

    gateway.accepting = false;
    gateway.dropConnections();
    await sleep(600);
    assert.ok(t.blindReports >= 3, `blind-area buffer holds ${t.blindReports} reports`);
    const offlineTimes = reports(gateway).map((r) => r.body.timeBcd);
    gateway.accepting = true;

    const batch = await gateway.waitFor(isId(0x0704), 3000);
    const body = (batch.message as Extract<Message, { messageId: 0x0704 }>).body;
    assert.equal(body.type, 1);
    assert.ok(body.count >= 3, `batch count ${body.count}`);
    assert.equal(body.positions.length, body.count);
    const times = body.positions.map((p: Position) => p.time!.getTime());
    assert.deepEqual(times, [...times].sort((a, b) => a - b), 'batch items in time order');
    assert.ok(offlineTimes.length >= 2);

    const secondConnection = gateway.received.filter((r) => r.connection === batch.connection);
    assert.equal(secondConnection[0]!.message.header.messageId, 0x0102, 'authenticates with the kept code, no new registration');
    await sleep(100);
    assert.equal(t.stats.uploaded, body.count);
    assert.ok(t.stats.acknowledged <= t.stats.reportsSent, `live acknowledged ${t.stats.acknowledged} of ${t.stats.reportsSent} sent; batches count apart`);
    assert.equal(t.blindReports, 0);
  });

  test('keeps the emergency bit until a 0x8203 confirmation', async () => {
    gateway = await FakeGateway.start();
    const t = newTerminal(gateway.port);
    t.start();
    await waitForReports(gateway, 1);
    t.triggerEmergency();
    const count = reports(gateway).length;
    const withAlarm = await waitForReports(gateway, count + 3);
    for (const report of withAlarm.slice(count, count + 3)) assert.equal(report.body.alarm & 1, 1);

    const alarmSerial = withAlarm[count]!.header.serial;
    const serial = gateway.send({ messageId: 0x8203, body: { alarmSerial, alarmType: 1 } });
    const answer = await gateway.waitFor((r) => r.message.messageId === 0x0001 && r.message.body.replySerial === serial);
    assert.deepEqual((answer.message as Extract<Message, { messageId: 0x0001 }>).body, { replySerial: serial, replyId: 0x8203, result: 0 });

    const after = reports(gateway).length;
    const later = await waitForReports(gateway, after + 2);
    for (const report of later.slice(after)) assert.equal(report.body.alarm & 1, 0);
  });

  test('uses the 2019 header and body layouts', async () => {
    gateway = await FakeGateway.start();
    newTerminal(gateway.port, { edition: '2019' as HeaderEdition }).start();
    await waitForReports(gateway, 1);

    const [registration, authentication] = gateway.received.map((r) => r.message);
    assert.equal(registration!.header.edition, '2019');
    assert.equal(registration!.header.protocolVersion, 1);
    assert.equal(registration!.header.phone, '00000000013900000000');
    assert.equal((registration as Extract<Message, { messageId: 0x0100 }>).body.layout, '2019');
    const auth = (authentication as Extract<Message, { messageId: 0x0102 }>).body;
    assert.equal(auth.imei?.length, 15);
    assert.equal(reports(gateway)[0]!.header.edition, '2019');
  });

  test('answers location and parameter queries and acknowledges commands', async () => {
    gateway = await FakeGateway.start();
    const t = newTerminal(gateway.port, { intervalS: 5, plate: '新Q62947' });
    t.start();
    await online(t);

    const query = gateway.send({ messageId: 0x8201, body: {} });
    const located = (await gateway.waitFor(isId(0x0201))).message as Extract<Message, { messageId: 0x0201 }>;
    assert.equal(located.body.replySerial, query);
    assert.ok(located.body.position.latitude > 39, `latitude ${located.body.position.latitude}`);
    assert.ok(located.body.position.latitude < 40, `latitude ${located.body.position.latitude}`);

    const parameterQuery = gateway.send({ messageId: 0x8104, body: {} });
    const parameters = (await gateway.waitFor(isId(0x0104))).message as Extract<Message, { messageId: 0x0104 }>;
    assert.equal(parameters.body.replySerial, parameterQuery);
    const plate = parameters.body.parameters.find((p) => p.id === 0x0083);
    assert.ok(plate, 'plate parameter 0x0083 present');
    assert.equal(plate.value.toString('hex'), Buffer.from([0xd0, 0xc2]).toString('hex') + Buffer.from('Q62947').toString('hex'));

    gateway.send({ messageId: 0x8107, body: {} });
    const attributes = (await gateway.waitFor(isId(0x0107))).message as Extract<Message, { messageId: 0x0107 }>;
    assert.match(attributes.body.iccid, /^8986\d{16}$/);
    assert.equal(attributes.body.terminalModel, 'GC-SIM-1');

    const text = gateway.send({ messageId: 0x8300, body: { flags: 0x08, text: '请返回单位' } });
    const unknown = gateway.sendRaw(0x8500, Buffer.from([0x01]));
    const answers = async (serial: number) =>
      ((await gateway!.waitFor((r) => r.message.messageId === 0x0001 && r.message.body.replySerial === serial)).message as Extract<Message, { messageId: 0x0001 }>).body;
    assert.deepEqual(await answers(text), { replySerial: text, replyId: 0x8300, result: 0 });
    assert.deepEqual(await answers(unknown), { replySerial: unknown, replyId: 0x8500, result: 3 });
  });

  test('reports power, antenna and fix conditions', async () => {
    gateway = await FakeGateway.start();
    const t = newTerminal(gateway.port);
    t.start();
    const [first] = await waitForReports(gateway, 1);
    t.setMainPowerOff(true);
    t.setAntennaCut(true);
    t.setFixLost(true);
    const n = reports(gateway).length;
    const later = await waitForReports(gateway, n + 3);
    const last = later[later.length - 1]!.body;
    assert.equal((last.alarm >>> 8) & 1, 1, 'main power off bit 8');
    assert.equal((last.alarm >>> 5) & 1, 1, 'antenna cut bit 5');
    assert.equal(last.fixed, false);
    const previous = later[later.length - 2]!.body;
    assert.equal(last.latitude, previous.latitude, 'position frozen without a fix');
    assert.notEqual(first!.body.alarm & 0x120, 0x120);
  });

  test('parks with ACC off and drifts only a few tens of metres', async () => {
    gateway = await FakeGateway.start();
    const t = newTerminal(gateway.port);
    t.start();
    await waitForReports(gateway, 1);
    t.park(60);
    const n = reports(gateway).length;
    const parked = (await waitForReports(gateway, n + 4)).slice(n + 1);
    for (const report of parked) {
      assert.equal(report.body.acc, false);
      assert.equal(report.body.speedKmh, 0);
      const dLat = (report.body.latitude - parked[0]!.body.latitude) * 111_000;
      const dLon = (report.body.longitude - parked[0]!.body.longitude) * 111_000 * Math.cos((39.47 * Math.PI) / 180);
      assert.ok(Math.hypot(dLat, dLon) <= 61, `drift ${Math.hypot(dLat, dLon)} m`);
    }
  });
});
