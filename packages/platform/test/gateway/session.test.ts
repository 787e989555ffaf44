import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RawTerminal, startTestGateway, type TestGateway } from '../helpers/gateway-harness.ts';

describe('gateway registration and authentication', () => {
  let t: TestGateway;
  before(async () => {
    t = await startTestGateway();
    await t.addTerminal('013900000001', '新Q10001');
    await t.addTerminal('013900000002', '新Q10002', 'OLDPLATFORM42');
  });
  after(() => t.close());

  it('registers a known terminal and authenticates it with the issued code', async () => {
    const client = await RawTerminal.connect(t.gateway.port, '013900000001');
    const code = await client.login();
    assert.ok(code.length >= 12);
    const row = await t.store.db.selectFrom('terminals').selectAll().where('phone', '=', '013900000001').executeTakeFirstOrThrow();
    assert.equal(row.auth_code, code);
    assert.equal(row.terminal_id, 'T000001');
    assert.equal(t.gateway.isOnline(row.id), true);
    client.close();
  });

  it('queries terminal attributes after authentication and stores the ICCID', async () => {
    const client = await RawTerminal.connect(t.gateway.port, '013900000001');
    await client.login();
    const query = await client.next((m) => m.messageId === 0x8107);
    assert.equal(query.messageId, 0x8107);
    client.send({
      messageId: 0x0107,
      body: {
        terminalType: 3, manufacturerId: 'GC001', terminalModel: 'GC-T1', terminalId: 'T000001', iccid: '89860000000000000001',
        hardwareVersion: 'HW1', firmwareVersion: 'FW1', gnssAttributes: 3, commAttributes: 2,
      },
    });
    const answer = await client.next((m) => m.messageId === 0x8001 && m.body.replyId === 0x0107);
    assert.equal(answer.messageId === 0x8001 && answer.body.result, 0);
    const row = await t.store.db.selectFrom('terminals').select(['iccid']).where('phone', '=', '013900000001').executeTakeFirstOrThrow();
    assert.equal(row.iccid, '89860000000000000001');
    client.close();
  });

  it('sends no attributes query when the setting is off', async () => {
    const quiet = await startTestGateway((config) => {
      config.gateway.queryAttributesOnAuth = false;
    });
    try {
      await quiet.addTerminal('013900000009', '新Q10009');
      const client = await RawTerminal.connect(quiet.gateway.port, '013900000009');
      await client.login('新Q10009');
      await assert.rejects(client.next((m) => m.messageId === 0x8107, 300), /no matching message/);
      client.close();
    } finally {
      await quiet.close();
    }
  });

  it('refuses registration of a phone not in the registry with result 4 and closes', async () => {
    const client = await RawTerminal.connect(t.gateway.port, '013999999999');
    const serial = client.send({ messageId: 0x0100, body: { layout: '2013', provinceId: 65, cityId: 3100, manufacturerId: 'X', terminalModel: 'M', terminalId: 'T', plateColor: 1, plate: '新Q99999' } });
    const answer = await client.next((m) => m.messageId === 0x8100);
    assert.equal(answer.messageId === 0x8100 && answer.body.replySerial, serial);
    assert.equal(answer.messageId === 0x8100 && answer.body.result, 4);
    await client.closed;
  });

  it('refuses a wrong auth code with failure and closes', async () => {
    const client = await RawTerminal.connect(t.gateway.port, '013900000001');
    const serial = client.send({ messageId: 0x0102, body: { authCode: 'not-the-code' } });
    assert.equal(await client.ack(serial), 1);
    await client.closed;
  });

  it('accepts the legacy auth code of a migrated terminal without registration', async () => {
    const client = await RawTerminal.connect(t.gateway.port, '013900000002');
    const serial = client.send({ messageId: 0x0102, body: { authCode: 'OLDPLATFORM42' } });
    assert.equal(await client.ack(serial), 0);
    client.close();
  });

  it('refuses the legacy auth code when migration is switched off', async () => {
    const strict = await startTestGateway((c) => { c.gateway.acceptLegacyAuthCodes = false; });
    try {
      await strict.addTerminal('013900000002', '新Q10002', 'OLDPLATFORM42');
      const client = await RawTerminal.connect(strict.gateway.port, '013900000002');
      const serial = client.send({ messageId: 0x0102, body: { authCode: 'OLDPLATFORM42' } });
      assert.equal(await client.ack(serial), 1);
      await client.closed;
    } finally {
      await strict.close();
    }
  });

  it('answers a heartbeat before authentication with failure', async () => {
    const client = await RawTerminal.connect(t.gateway.port, '013900000001');
    const serial = client.send({ messageId: 0x0002, body: {} });
    assert.equal(await client.ack(serial), 1);
    client.close();
  });

  it('authenticates a 2019 terminal whose header carries the 20-digit phone', async () => {
    await t.addTerminal('013900000003', '新Q10003');
    const client = await RawTerminal.connect(t.gateway.port, '00000000013900000003', '2019');
    await client.login('新Q10003');
    const hb = client.send({ messageId: 0x0002, body: {} });
    const reply = await client.next((m) => m.messageId === 0x8001 && m.body.replySerial === hb);
    assert.equal(reply.header.edition, '2019');
    assert.equal(reply.header.phone, '00000000013900000003');
    client.close();
  });

  it('replaces the older connection when a terminal reconnects', async () => {
    const first = await RawTerminal.connect(t.gateway.port, '013900000001');
    await first.login();
    const second = await RawTerminal.connect(t.gateway.port, '013900000001');
    await second.login();
    await first.closed;
    const hb = second.send({ messageId: 0x0002, body: {} });
    assert.equal(await second.ack(hb), 0);
    const terminal = await t.store.db.selectFrom('terminals').select('id').where('phone', '=', '013900000001').executeTakeFirstOrThrow();
    assert.equal(t.gateway.isOnline(terminal.id), true);
    const sessions = await t.store.db.selectFrom('terminal_sessions').selectAll().where('terminal_id', '=', terminal.id).where('close_reason', '=', 'replaced_by_new_connection').execute();
    assert.ok(sessions.length >= 1);
    second.close();
    await second.closed;
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(t.gateway.isOnline(terminal.id), false);
  });

  it('closes a connection that stays silent past the idle timeout', async () => {
    const quick = await startTestGateway((c) => { c.gateway.idleTimeoutS = 0.3; });
    try {
      await quick.addTerminal('013900000009', '新Q10009');
      const client = await RawTerminal.connect(quick.gateway.port, '013900000009');
      await client.login('新Q10009');
      const started = Date.now();
      await client.closed;
      assert.ok(Date.now() - started < 2000);
      await new Promise((r) => setTimeout(r, 50));
      const session = await quick.store.db.selectFrom('terminal_sessions').selectAll().executeTakeFirstOrThrow();
      assert.equal(session.close_reason, 'idle_timeout');
    } finally {
      await quick.close();
    }
  });
});
