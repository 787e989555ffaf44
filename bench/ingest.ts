// End-to-end ingest benchmark: a gateway with its SQLite store in this process, simulated
// terminals over loopback TCP in a child process; prints throughput and acknowledgement latency.
// Usage: node --import tsx bench/ingest.ts [terminals=200] [reports/s=20000] [seconds=15] [FULL|NORMAL]
// BENCH_ALGORITHM=aes-256-gcm seals with AES-256-GCM instead of SM4. BENCH_COMMIT_MS overrides
// the commit interval. BENCH_DETAIL=1 also prints the server-side histograms. The terminals send
// at the full rate for BENCH_WARMUP_S seconds (default 3) before the measured seconds. The output
// gives the warm-up's latencies apart (warmupP99Ms) and together with the rest (wholeRunP99Ms).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig, defaultEncryptionSettings } from '../packages/platform/src/config.ts';
import { createLogger } from '../packages/platform/src/logger.ts';
import { randomBytes } from 'node:crypto';
import { openStore } from '../packages/platform/src/store/db.ts';
import { attachKeyring } from '../packages/platform/src/crypto/setup.ts';
import { parseMasterKey } from '../packages/platform/src/crypto/master-key.ts';
import { startGateway } from '../packages/platform/src/gateway/server.ts';

const [terminals = 200, rate = 20000, seconds = 15] = process.argv.slice(2, 5).map(Number);
const sync = (process.argv[5] ?? 'FULL') === 'NORMAL' ? 'NORMAL' : 'FULL';
const warmup = Number(process.env.BENCH_WARMUP_S ?? 3);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-bench-'));
const store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: sync });
attachKeyring(store, parseMasterKey(randomBytes(32).toString('hex'), 'bench'), { ...defaultEncryptionSettings, algorithm: process.env.BENCH_ALGORITHM === 'aes-256-gcm' ? 'aes-256-gcm' : 'sm4-ctr-hmac-sm3' });
const now = Date.now();
await store.db.insertInto('units').values({ name: '基准测试单位', category: 'other', created_at: now, updated_at: now }).execute();
for (let i = 0; i < terminals; i++) {
  const phone = `0139${String(i).padStart(8, '0')}`;
  const vehicle = await store.db.insertInto('vehicles').values({ unit_id: 1, plate: `新Q${String(i).padStart(5, '0')}`, status: 'in_use', created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
  await store.db.insertInto('terminals').values({ phone, phone_key: phone.replace(/^0+/, ''), vehicle_id: vehicle.id, legacy_auth_code: `bench-${i}`, created_at: now, updated_at: now }).execute();
}
const config = defaultConfig({ dataDir: dir, jt808Host: '127.0.0.1', jt808Port: 0 });
config.gateway.maxFramesPerSecond = 10_000;
if (process.env.BENCH_COMMIT_MS) config.ingest.commitIntervalMs = Number(process.env.BENCH_COMMIT_MS);
const gateway = await startGateway({ store, config, logger: createLogger({ level: 'warn' }) });

const load = fileURLToPath(new URL('./ingest-load.ts', import.meta.url));
const child = spawn(process.execPath, ['--import', 'tsx', load, String(gateway.port), String(terminals), String(rate), String(seconds), String(warmup)], { stdio: ['ignore', 'pipe', 'inherit'] });
let output = '';
child.stdout.on('data', (d) => (output += d));
await new Promise((resolve) => child.on('exit', resolve));
const histogram = async (metric: { get(): Promise<{ values: { labels: Record<string, unknown>; value: number; metricName?: string }[] }> }) => {
  const { values } = await metric.get();
  const buckets = values.filter((v) => v.metricName?.endsWith('_bucket')).map((v) => [String(v.labels.le), v.value] as const);
  return Object.fromEntries(buckets);
};
const commitBuckets = await histogram(gateway.metrics.commitDuration);
const ackBuckets = await histogram(gateway.metrics.ackLatency);
const stored = (await store.db.selectFrom('positions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;
const fileBytes = fs.statSync(path.join(dir, 'gongche.db')).size + (fs.existsSync(path.join(dir, 'gongche.db-wal')) ? fs.statSync(path.join(dir, 'gongche.db-wal')).size : 0);
await gateway.close();
await store.close();
fs.rmSync(dir, { recursive: true, force: true });
const result = JSON.parse(output || '{}');
if (process.env.BENCH_DETAIL) console.log(JSON.stringify({ commitSecondsCumulative: commitBuckets, serverAckSecondsCumulative: ackBuckets }));
console.log(JSON.stringify({ bench: 'ingest', terminals, targetPerSecond: rate, synchronous: sync, ...result, stored, storeMiB: +(fileBytes / 1048576).toFixed(1), node: process.version }));
