// Load generator for bench/ingest.ts: simulated terminals over loopback TCP, run in its own
// process so that it does not share a core with the gateway under test.
import net from 'node:net';
import { FrameDecoder, encodeMessage, type Position } from '@gongche/jt808';

const [port, terminals, ratePerSecond, seconds, warmupSeconds] = process.argv.slice(2).map(Number) as [number, number, number, number, number];
const phone = (i: number) => `0139${String(i).padStart(8, '0')}`;

function report(i: number, n: number, base: number): Position {
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

interface Client { socket: net.Socket; sent: Map<number, number>; serial: number; n: number; frames: Buffer[] }
// Reports sent during the warm-up count as acknowledged, but their latencies are kept apart.
const latencies: number[] = [];
const warmupLatencies: number[] = [];
let measuredFrom = Number.POSITIVE_INFINITY;
let acked = 0;
let failed = 0;

async function connect(i: number): Promise<Client> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const client: Client = { socket, sent: new Map(), serial: 1, n: 0, frames: [] };
  const decoder = new FrameDecoder();
  let authenticated!: () => void;
  const ready = new Promise<void>((resolve) => (authenticated = resolve));
  socket.on('data', (chunk) => {
    const now = performance.now();
    for (const e of decoder.push(chunk)) {
      if (e.kind !== 'frame' || e.frame.header.messageId !== 0x8001) continue;
      const replySerial = e.frame.body.readUInt16BE(0);
      const result = e.frame.body[4];
      if (replySerial === 1) { authenticated(); continue; }
      const at = client.sent.get(replySerial);
      if (at === undefined) continue;
      client.sent.delete(replySerial);
      if (result !== 0) { failed++; continue; }
      acked++;
      (at >= measuredFrom ? latencies : warmupLatencies).push(now - at);
    }
  });
  socket.write(encodeMessage({ edition: '2013', phone: phone(i), serial: 1 }, { messageId: 0x0102, body: { authCode: `bench-${i}` } }));
  await ready;
  return client;
}

const totalSeconds = warmupSeconds + seconds;
const perTerminal = Math.ceil((ratePerSecond * totalSeconds) / terminals);
const base = Date.parse('2026-12-01T00:00:00Z');
const clients: Client[] = [];
for (let i = 0; i < terminals; i++) clients.push(await connect(i));
for (const [i, c] of clients.entries()) {
  for (let n = 0; n < perTerminal; n++) c.frames.push(encodeMessage({ edition: '2013', phone: phone(i), serial: (n + 2) & 0xffff }, { messageId: 0x0200, body: report(i, n, base) }));
}

const tickMs = 5;
let next = 0;
const started = performance.now();
measuredFrom = started + warmupSeconds * 1000;
await new Promise<void>((resolve) => {
  const timer = setInterval(() => {
    // Catch up to the target from the wall clock, so timer lag does not lower the offered load.
    let credit = Math.floor(((performance.now() - started) / 1000) * ratePerSecond) - next;
    while (credit > 0) {
      const c = clients[next % terminals]!;
      next++;
      credit--;
      if (c.n >= c.frames.length) continue;
      const serial = (c.n + 2) & 0xffff;
      c.sent.set(serial, performance.now());
      c.socket.write(c.frames[c.n++]!);
    }
    if (performance.now() - started >= totalSeconds * 1000) { clearInterval(timer); resolve(); }
  }, tickMs);
});
await new Promise((r) => setTimeout(r, 1000));
const elapsed = (performance.now() - started) / 1000 - 1;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
latencies.sort((a, b) => a - b);
warmupLatencies.sort((a, b) => a - b);
const pct = (p: number) => percentile(latencies, p);
const sent = clients.reduce((s, c) => s + c.n, 0);
process.stdout.write(JSON.stringify({ sent, acked, failed, unanswered: sent - acked - failed, seconds: +elapsed.toFixed(2), ackedPerSecond: Math.round(acked / elapsed), p50Ms: +pct(50).toFixed(2), p99Ms: +pct(99).toFixed(2), maxMs: +(latencies.at(-1) ?? NaN).toFixed(2), warmupSeconds, warmupP99Ms: +percentile(warmupLatencies, 99).toFixed(2), warmupMaxMs: +(warmupLatencies.at(-1) ?? NaN).toFixed(2), wholeRunP99Ms: +percentile([...latencies, ...warmupLatencies].sort((a, b) => a - b), 99).toFixed(2) }) + '\n');
for (const c of clients) c.socket.destroy();
