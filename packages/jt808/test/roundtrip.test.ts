import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFrame, decodeItemValue, decodeMessage, encodeMessage, MessageId, type HeaderEdition, type HeaderInit, type MessageBody, type Position } from '../src/index.ts';
import { gbkCodec } from './helpers.ts';

function position(overrides: Partial<Position> = {}): Position {
  return {
    alarm: 0x10000001,
    status: 0x000c0003 | 0x04,
    latitude: -22.543096,
    longitude: 114.057865,
    altitudeM: 52,
    speedKmh: 60.5,
    course: 359,
    // 2024-03-05 10:20:30 Beijing time.
    time: new Date('2024-03-05T02:20:30Z'),
    timeBcd: '240305102030',
    fixed: true,
    acc: true,
    items: [
      { id: 0x01, raw: Buffer.from('00000f28', 'hex') },
      { id: 0x30, raw: Buffer.from('1a', 'hex') },
      { id: 0xe1, raw: Buffer.from('7e7d00', 'hex') },
      { id: 0xa0, raw: Buffer.alloc(0) },
    ],
    ...overrides,
  };
}

const driverCard = {
  state: 1, time: new Date('2023-12-31T16:00:00Z'), timeBcd: '240101000000', readResult: 0,
  driverName: '张三', qualificationCode: 'QC1234567890', issuingAuthority: '深圳市交通运输局', certificateExpiry: '20301231',
};

/** Messages whose layout is the same in both editions, or chosen by the header edition. */
function messages(edition: HeaderEdition): MessageBody[] {
  const is2019 = edition === '2019';
  const area = { startTime: new Date('2024-01-01T00:00:00Z'), endTime: new Date('2024-12-31T15:59:59Z'), maxSpeedKmh: 80, overspeedDurationS: 10 };
  const night = is2019 ? { nightMaxSpeedKmh: 60 } : {};
  const named = (name: string) => (is2019 ? { name } : {});
  return [
    { messageId: 0x0001, body: { replySerial: 65535, replyId: 0x8103, result: 1 } },
    { messageId: 0x0002, body: {} },
    { messageId: 0x0003, body: {} },
    {
      messageId: 0x0100,
      body: { layout: edition, provinceId: 44, cityId: 303, manufacturerId: '70111', terminalModel: 'BSJ-A6-BD ', terminalId: 'T056787', plateColor: 1, plate: '粤B88888' },
    },
    { messageId: 0x0102, body: is2019 ? { authCode: 'auth-2019', imei: '861234567890123', softwareVersion: 'V1.2.3' } : { authCode: 'authentication' } },
    { messageId: 0x0104, body: { replySerial: 9, parameters: [{ id: 0x0001, value: Buffer.from('0000003c', 'hex') }, { id: 0x0083, value: Buffer.from('粤B88888') }] } },
    {
      messageId: 0x0107,
      body: {
        terminalType: 0x0006, manufacturerId: '70111', terminalModel: 'BSJ-A6', terminalId: '0567872', iccid: '89860412345678901234',
        hardwareVersion: 'HW1.0', firmwareVersion: 'FW2.3.4', gnssAttributes: 0x03, commAttributes: 0x21,
      },
    },
    { messageId: 0x0200, body: position() },
    { messageId: 0x0200, body: position({ time: null, timeBcd: '2413451299ff', items: [], status: 0, fixed: false, acc: false, latitude: 0, longitude: 0 }) },
    { messageId: 0x0201, body: { replySerial: 77, position: position({ status: 0x0b, latitude: 51.5, longitude: -0.12 }) } },
    { messageId: 0x0702, body: { layout: edition === '2019' ? '2019' : '2013', ...driverCard, ...(is2019 ? { idCardNumber: '440300199001011234' } : {}) } },
    { messageId: 0x0702, body: { layout: edition === '2019' ? '2019' : '2013', state: 2, time: new Date('2024-01-01T08:00:00Z'), timeBcd: '240101160000' } },
    { messageId: 0x0702, body: { layout: edition === '2019' ? '2019' : '2013', state: 1, time: new Date('2024-01-01T08:00:00Z'), timeBcd: '240101160000', readResult: 2 } },
    { messageId: 0x0704, body: { type: 0, count: 2, positions: [position(), position({ alarm: 0x100, items: [] })] } },
    { messageId: 0x0704, body: { type: 1, count: 1, positions: [position()] } },
    { messageId: 0x0900, body: { type: 0xf0, data: Buffer.from('7e7d01020304', 'hex') } },
    { messageId: 0x8001, body: { replySerial: 126, replyId: 0x0200, result: 4 } },
    { messageId: 0x8003, body: { originalSerial: 235, packageIds: [2, 5, 9] } },
    { messageId: 0x8100, body: { replySerial: 15, result: 0, authCode: '粤B88888-auth' } },
    { messageId: 0x8100, body: { replySerial: 15, result: 3 } },
    { messageId: 0x8103, body: { parameters: [{ id: 0x0029, value: Buffer.from('0000001e', 'hex') }, { id: 0xf001, value: Buffer.alloc(0) }] } },
    { messageId: 0x8104, body: {} },
    { messageId: 0x8107, body: {} },
    { messageId: 0x8105, body: { command: 4 } },
    { messageId: 0x8105, body: { command: 1, parameters: 'http://127.0.0.1/fw.bin;apn;user;pass;127.0.0.1;7000;7001;70111;HW1;FW2;60' } },
    { messageId: 0x8201, body: {} },
    { messageId: 0x8202, body: { intervalS: 30, validityS: 3600 } },
    { messageId: 0x8203, body: { alarmSerial: 0, alarmType: 0x00100009 } },
    { messageId: 0x8300, body: is2019 ? { flags: 0x0c, textType: 2, text: '请系好安全带' } : { flags: 0x0c, text: '请系好安全带' } },
    {
      messageId: 0x8600,
      body: {
        action: 1,
        areas: [
          { id: 1, attributes: 0x0003, latitude: 22.543096, longitude: 114.057865, radiusM: 500, ...area, ...night, ...named('市政府') },
          { id: 2, attributes: 0x0000, latitude: 22.5, longitude: 114, radiusM: 100, ...named('') },
        ],
      },
    },
    { messageId: 0x8601, body: { ids: [1, 2, 4294967295] } },
    {
      messageId: 0x8602,
      body: {
        action: 0,
        areas: [{ id: 7, attributes: 0x0002, topLeft: { latitude: 22.6, longitude: 113.9 }, bottomRight: { latitude: 22.5, longitude: 114.1 }, maxSpeedKmh: 40, overspeedDurationS: 5, ...night, ...named('停车场') }],
      },
    },
    { messageId: 0x8603, body: { ids: [] } },
    {
      messageId: 0x8604,
      body: {
        id: 9, attributes: 0x0001, startTime: area.startTime, endTime: area.endTime,
        vertices: [{ latitude: 22.1, longitude: 113.1 }, { latitude: 22.2, longitude: 113.2 }, { latitude: 22.3, longitude: 113.1 }],
        ...named('禁区'),
      },
    },
    { messageId: 0x8605, body: { ids: [9] } },
  ];
}

/** Copies decoded values with every additional item as a plain `{ id, raw }`, the shape callers read. */
function plainItems(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plainItems);
  if (value === null || typeof value !== 'object' || Buffer.isBuffer(value) || value instanceof Date) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = key === 'items' && Array.isArray(field) ? field.map((item: { id: number; raw: Buffer }) => ({ id: item.id, raw: item.raw })) : plainItems(field);
  }
  return copy;
}

function header(edition: HeaderEdition): HeaderInit {
  return edition === '2019'
    ? { edition, protocolVersion: 1, phone: '00000000013800138000', serial: 0x7e7d }
    : { edition, phone: '013800138000', serial: 0x7e7d };
}

describe('encode and decode round trip', () => {
  for (const edition of ['2013', '2019'] as const) {
    for (const message of messages(edition)) {
      it(`round-trips 0x${message.messageId.toString(16).padStart(4, '0')} with a ${edition} header`, () => {
        const init = header(edition);
        const wire = encodeMessage(init, message, { text: gbkCodec });
        const decoded = decodeMessage(decodeFrame(wire), { text: gbkCodec });
        assert.deepEqual({ messageId: decoded.messageId, body: plainItems(decoded.body) }, message);
        assert.equal(decoded.header.edition, edition);
        assert.equal(decoded.header.phone, init.phone);
        assert.equal(decoded.header.serial, init.serial);
        assert.equal(decoded.header.protocolVersion, init.protocolVersion);
      });
    }
  }

  it('round-trips the 2011 registration and driver identity layouts', () => {
    const init = header('2013');
    const registration: MessageBody = {
      messageId: 0x0100,
      body: { layout: '2011', provinceId: 44, cityId: 303, manufacturerId: '70111', terminalModel: 'BSJ-M7B ', terminalId: '0000000', plateColor: 1, plate: '粤B88888' },
    };
    const driver: MessageBody = {
      messageId: 0x0702,
      body: { layout: '2011', state: 1, time: null, timeBcd: '', readResult: 0, driverName: '李四', idCardNumber: '440300199001011234', qualificationCode: 'Q-2011-0001', issuingAuthority: '广州' },
    };
    for (const message of [registration, driver]) {
      const decoded = decodeMessage(decodeFrame(encodeMessage(init, message, { text: gbkCodec })), { text: gbkCodec });
      assert.deepEqual({ messageId: decoded.messageId, body: decoded.body }, message);
    }
  });

  it('rejects a 2011 registration long enough to read as 2013', () => {
    const body = { layout: '2011' as const, provinceId: 1, cityId: 1, manufacturerId: '1', terminalModel: '1', terminalId: '1', plateColor: 0, plate: 'LSVAU2180N2183294' };
    assert.throws(() => encodeMessage(header('2013'), { messageId: 0x0100, body }), { code: 'JT808_ERR_INVALID_FIELD' });
  });

  it('rejects a registration layout that does not match the header', () => {
    const body = { layout: '2019' as const, provinceId: 1, cityId: 1, manufacturerId: '1', terminalModel: '1', terminalId: '1', plateColor: 1, plate: 'A' };
    assert.throws(() => encodeMessage(header('2013'), { messageId: 0x0100, body }), { code: 'JT808_ERR_INVALID_FIELD' });
  });

  it('treats decoded items like plain items', () => {
    const wire = encodeMessage(header('2013'), { messageId: 0x0200, body: position() });
    const decoded = decodeMessage(decodeFrame(wire));
    assert.equal(decoded.messageId, 0x0200);
    const [mileage] = decoded.body.items;
    assert.deepEqual([mileage!.id, mileage!.raw], [0x01, Buffer.from('00000f28', 'hex')]);
    assert.equal(mileage!.raw, mileage!.raw, 'the view is made once');
    assert.deepEqual(JSON.parse(JSON.stringify(decoded.body.items[0])), { id: 1, raw: { type: 'Buffer', data: [0, 0, 0x0f, 0x28] } });
    assert.deepEqual(decodeItemValue(mileage!), { mileageKm: 388 });
    assert.deepEqual(decodeItemValue({ id: 0x01, raw: Buffer.from('00000f28', 'hex') }), { mileageKm: 388 }, 'a plain item reads the same');
    mileage!.raw = Buffer.from('000000c8', 'hex');
    assert.deepEqual(decodeItemValue(mileage!), { mileageKm: 20 }, 'a replaced value is read, not the frame');
    const again = decodeMessage(decodeFrame(encodeMessage(header('2013'), { messageId: 0x0200, body: decoded.body })));
    assert.equal(again.messageId === 0x0200 && again.body.items[0]!.raw.toString('hex'), '000000c8');
  });

  it('names every message id of the codec', () => {
    assert.equal(MessageId.LocationReport, 0x0200);
    assert.equal(MessageId.ResendSubpackageRequest, 0x8003);
    assert.equal(MessageId.DeletePolygonAreas, 0x8605);
  });
});
