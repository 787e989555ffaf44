import assert from 'node:assert/strict';
import { it } from 'node:test';
import { decodeFrame, encodeMessage, type MessageBody } from '@gongche/jt808';
import { packGroup, unpackGroup } from '../../src/ingest/group-codec.ts';
import type { IngestReport } from '../../src/ingest/report.ts';
import { position } from '../helpers/positions.ts';

function report(edition: '2013' | '2019', phone: string, vehicleId: number | null, batchType: number | null): IngestReport {
  const time = new Date('2026-12-04T08:00:00Z');
  const message: MessageBody = batchType === null
    ? { messageId: 0x0200, body: position({ time, latitude: 39.5 }) }
    : { messageId: 0x0704, body: { type: batchType, count: 2, positions: [position({ time }), position({ time: new Date(time.getTime() + 1000), latitude: 39.6 })] } };
  const frame = decodeFrame(encodeMessage({ edition, phone, serial: 77 }, message));
  return { terminal: { id: 5, vehicleId }, header: frame.header, content: frame.content, body: frame.body, receivedAt: 1_796_000_000_123, batchType, joined: false };
}

it('carries reports to the worker and decodes their positions again', () => {
  const reports = [report('2013', '013900000001', 9, null), report('2019', '00000000013900000002', null, 1)];
  const [live, batch] = unpackGroup(packGroup(reports));
  assert.equal(live!.terminalId, 5);
  assert.equal(live!.vehicleId, 9);
  assert.equal(live!.header.phone, '013900000001');
  assert.equal(live!.header.serial, 77);
  assert.equal(live!.receivedAt, 1_796_000_000_123);
  assert.equal(live!.batchType, null);
  assert.equal(live!.positions[0]!.latitude, 39.5);
  assert.deepEqual(live!.content, reports[0]!.content);
  assert.equal(batch!.vehicleId, null);
  assert.equal(batch!.header.edition, '2019');
  assert.equal(batch!.header.protocolVersion, 1);
  assert.equal(batch!.batchType, 1);
  assert.deepEqual(batch!.positions.map((p) => p.latitude), [39.467712, 39.6]);
});
