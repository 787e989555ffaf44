// Ingest commit cost without sockets or threads. The ingest worker's commit engine writes 0x0200
// reports in groups to a store in a temporary directory, and the script prints the time per report.
// Usage: node --import tsx bench/commit.ts [terminals=200] [reports=100000] [group=100]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { decodeFrame, encodeMessage, type Position } from '@gongche/jt808';
import { defaultEncryptionSettings, defaultIngestSettings } from '../packages/platform/src/config.ts';
import { openStore } from '../packages/platform/src/store/db.ts';
import { attachKeyring } from '../packages/platform/src/crypto/setup.ts';
import { parseMasterKey } from '../packages/platform/src/crypto/master-key.ts';
import { CommitEngine } from '../packages/platform/src/ingest/commit-engine.ts';
import { packGroup, unpackGroup } from '../packages/platform/src/ingest/group-codec.ts';
import type { IngestReport } from '../packages/platform/src/ingest/report.ts';

const [terminals = 200, total = 100_000, groupSize = 100] = process.argv.slice(2, 5).map(Number);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-bench-'));
const store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
const keyring = attachKeyring(store, parseMasterKey(randomBytes(32).toString('hex'), 'bench'), { ...defaultEncryptionSettings });
const now = Date.now();
await store.db.insertInto('units').values({ name: '基准测试单位', category: 'other', created_at: now, updated_at: now }).execute();
const phone = (i: number) => `0139${String(i).padStart(8, '0')}`;
for (let i = 0; i < terminals; i++) {
  const vehicle = await store.db.insertInto('vehicles').values({ unit_id: 1, plate: `新Q${String(i).padStart(5, '0')}`, status: 'in_use', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  await store.db.insertInto('terminals').values({ phone: phone(i), phone_key: phone(i).replace(/^0+/, ''), vehicle_id: vehicle.id, created_at: now, updated_at: now }).execute();
}

const base = Date.parse('2026-12-01T00:00:00Z');
function position(i: number, n: number): Position {
  const time = new Date(base + n * 1000);
  const t = new Date(time.getTime() + 8 * 3600_000).toISOString();
  const timeBcd = t.slice(2, 4) + t.slice(5, 7) + t.slice(8, 10) + t.slice(11, 13) + t.slice(14, 16) + t.slice(17, 19);
  return {
    alarm: 0, status: 3, acc: true, fixed: true, time, timeBcd,
    latitude: 39.4 + (i % 100) * 0.001 + n * 0.00001, longitude: 75.9 + (n % 50) * 0.00001,
    altitudeM: 1290, speedKmh: 40, course: 90,
    items: [{ id: 0x01, raw: Buffer.from([0, 0, 1, n & 0xff]) }, { id: 0x30, raw: Buffer.from([20]) }, { id: 0x31, raw: Buffer.from([12]) }],
  };
}
const reports: IngestReport[] = [];
for (let k = 0; k < total; k++) {
  const i = k % terminals;
  const n = Math.floor(k / terminals);
  const wire = encodeMessage({ edition: '2013', phone: phone(i), serial: (n + 2) & 0xffff }, { messageId: 0x0200, body: position(i, n) });
  const frame = decodeFrame(wire);
  reports.push({ terminal: { id: i + 1, vehicleId: i + 1 }, header: frame.header, content: frame.content, body: frame.body, receivedAt: base + n * 1000 + 500, batchType: null, joined: false });
}

const engine = new CommitEngine(store.sqlite, keyring, { ...defaultIngestSettings });
const groups: ArrayBuffer[] = [];
for (let k = 0; k < total; k += groupSize) groups.push(packGroup(reports.slice(k, k + groupSize)));
const cpu = process.cpuUsage();
const started = performance.now();
let stored = 0;
for (const group of groups) for (const r of engine.commit(unpackGroup(group))) stored += r.stored;
const ms = performance.now() - started;
const used = process.cpuUsage(cpu);
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify({ bench: 'commit', terminals, reports: total, groupSize, stored, usPerReport: +((ms * 1000) / total).toFixed(2), cpuUsPerReport: +((used.user + used.system) / total).toFixed(2), node: process.version }));
