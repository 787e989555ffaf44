/**
 * Measures decodeFrame + decodeMessage, alone and then with every item's bytes or scaled value
 * read, and encodeMessage. The input is the 0x0200 frame that published JT/T 808 codec benchmarks
 * use: a 92-byte body with twelve additional items. Prints one JSON line.
 * Run: node --import tsx bench/decode.ts [path to peer-benchmark.json]
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import { decodeFrame, decodeItemValue, decodeMessage, encodeMessage, type HeaderInit, type MessageBody } from '../packages/jt808/src/index.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixturePath = process.argv[2] ?? resolve(repoRoot, 'bench/peer-benchmark.json');
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as { frames: { id: string; hex: string }[] };
const entry = fixture.frames[0]!;
const wire = Buffer.from(entry.hex, 'hex');

const message = decodeMessage(decodeFrame(wire));
const header: HeaderInit = { edition: message.header.edition, phone: message.header.phone, serial: message.header.serial };
const body = { messageId: message.messageId, body: message.body } as MessageBody;
if (!encodeMessage(header, body).equals(wire)) throw new Error('encodeMessage does not reproduce the benchmark frame');

let sink = 0;

function decodeOnce(): void {
  const decoded = decodeMessage(decodeFrame(wire));
  if (decoded.messageId === 0x0200) sink += decoded.body.items.length;
}

/** Decodes the frame, then reads every item's value bytes, which costs a Buffer view each. */
function decodeWithItemBytesOnce(): void {
  const decoded = decodeMessage(decodeFrame(wire));
  if (decoded.messageId !== 0x0200) return;
  for (const item of decoded.body.items) sink += item.raw.length;
}

/** Decodes the frame, then every standard item's scaled value, as decoders that return item values do. */
function decodeWithItemValuesOnce(): void {
  const decoded = decodeMessage(decodeFrame(wire));
  if (decoded.messageId !== 0x0200) return;
  for (const item of decoded.body.items) if (decodeItemValue(item) !== undefined) sink++;
}

function encodeOnce(): void {
  sink += encodeMessage(header, body).length;
}

// The same message with its items as plain { id, raw } objects, as an application builds them,
// instead of the decoder's item views, whose bytes the encoder reads through a getter.
const plainBody = message.messageId === 0x0200
  ? ({ messageId: 0x0200, body: { ...message.body, items: message.body.items.map((item) => ({ id: item.id, raw: Buffer.from(item.raw) })) } } as MessageBody)
  : body;

function encodePlainItemsOnce(): void {
  sink += encodeMessage(header, plainBody).length;
}

/** Runs `fn` in batches for about `durationMs` and returns operations per second. */
function measure(fn: () => void, durationMs: number): number {
  const batch = 10000;
  let operations = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    for (let i = 0; i < batch; i++) fn();
    operations += batch;
    now = process.hrtime.bigint();
  }
  return operations / (Number(now - start) / 1e9);
}

measure(decodeOnce, 1500);
measure(decodeWithItemBytesOnce, 1500);
measure(decodeWithItemValuesOnce, 1500);
measure(encodeOnce, 1500);
measure(encodePlainItemsOnce, 1500);
const decodesPerSecond = measure(decodeOnce, 3000);
const decodesWithItemBytesPerSecond = measure(decodeWithItemBytesOnce, 3000);
const decodesWithItemValuesPerSecond = measure(decodeWithItemValuesOnce, 3000);
const encodesPerSecond = measure(encodeOnce, 3000);
const encodesPlainItemsPerSecond = measure(encodePlainItemsOnce, 3000);

console.log(JSON.stringify({
  frame: entry.id,
  wireBytes: wire.length,
  decodesPerSecond: Math.round(decodesPerSecond),
  decodesWithItemBytesPerSecond: Math.round(decodesWithItemBytesPerSecond),
  decodesWithItemValuesPerSecond: Math.round(decodesWithItemValuesPerSecond),
  encodesPerSecond: Math.round(encodesPerSecond),
  encodesPlainItemsPerSecond: Math.round(encodesPlainItemsPerSecond),
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  sink: sink > 0,
}));
