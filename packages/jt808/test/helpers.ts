import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { decodeItemValue, setBits, type Position, type TextCodec } from '../src/index.ts';

export interface FixtureEntry {
  id: string;
  hex: string;
  kind: 'frame' | 'stream' | 'encode';
  valid: boolean;
  expect: Record<string, any>;
  notes: string;
}

const capturesFile = resolve(dirname(fileURLToPath(import.meta.url)), 'captures/frames.json');

/** Loads the published terminal captures (see captures/README.md). */
export function loadCaptures(): FixtureEntry[] {
  const path = capturesFile;
  return JSON.parse(readFileSync(path, 'utf8')) as FixtureEntry[];
}

export function captureById(entries: FixtureEntry[], id: string): FixtureEntry {
  const entry = entries.find((candidate) => candidate.id === id);
  assert.ok(entry, `capture ${id} is missing`);
  return entry;
}

/** Full GBK codec for tests; the package itself only encodes ASCII. */
export const gbkCodec: TextCodec = {
  decode: (bytes) => iconv.decode(Buffer.from(bytes), 'gbk'),
  encode: (text) => iconv.encode(text, 'gbk'),
};

export function hex(id: number, digits: number): string {
  return '0x' + id.toString(16).padStart(digits, '0');
}

export function isoSeconds(time: Date | null): string | null {
  return time === null ? null : time.toISOString().replace('.000Z', 'Z');
}

export function assertClose(actual: unknown, expected: number, label: string): void {
  assert.equal(typeof actual, 'number', `${label}: expected a number, got ${String(actual)}`);
  assert.ok(Math.abs((actual as number) - expected) <= 1e-9, `${label}: ${String(actual)} differs from ${expected}`);
}

/**
 * Compares `actual` with an expected JSON value: numbers within 1e-9, and a key ending in "Utc"
 * against the Date under the key without the suffix ("timeUtc" reads `time`).
 */
export function assertMatches(actual: any, expected: any, label: string): void {
  if (typeof expected === 'number') return assertClose(actual, expected, label);
  if (expected === null || typeof expected !== 'object') return assert.equal(actual, expected, label);
  if (Array.isArray(expected)) return assert.deepEqual(actual, expected, label);
  assert.ok(actual !== null && typeof actual === 'object', `${label}: expected an object`);
  for (const [key, value] of Object.entries(expected)) {
    if (key.endsWith('Utc')) assert.equal(isoSeconds(actual[key.slice(0, -3)]), value, `${label}.${key}`);
    else assertMatches(actual[key], value, `${label}.${key}`);
  }
}

export function assertPosition(actual: Position, expected: Record<string, any>, label: string): void {
  for (const key of ['latitude', 'longitude', 'altitudeM', 'speedKmh', 'course']) {
    if (key in expected) assertClose(actual[key as keyof Position], expected[key], `${label}.${key}`);
  }
  if ('timeUtc' in expected) assert.equal(isoSeconds(actual.time), expected.timeUtc, `${label}.timeUtc`);
  if ('fixed' in expected) assert.equal(actual.fixed, expected.fixed, `${label}.fixed`);
  if ('acc' in expected) assert.equal(actual.acc, expected.acc, `${label}.acc`);
  if ('alarmBits' in expected) assert.deepEqual(setBits(actual.alarm), expected.alarmBits, `${label}.alarmBits`);
  if ('statusBits' in expected) assert.deepEqual(setBits(actual.status), expected.statusBits, `${label}.statusBits`);
  if ('items' in expected) assertItems(actual, expected.items, label);
  if ('truncatedItem' in expected) {
    const truncated = expected.truncatedItem;
    assert.deepEqual(actual.truncatedItem, { id: Number(truncated.id), declared: truncated.declared, present: truncated.present }, `${label}.truncatedItem`);
  }
}

/** Items that the captures give a scaled value whenever they have their standard length. */
const SCALED_IDS = new Set([0x01, 0x02, 0x03, 0x30, 0x31]);

function assertItems(actual: Position, expected: Record<string, any>, label: string): void {
  assert.deepEqual(actual.items.map((item) => hex(item.id, 2)), Object.keys(expected), `${label}.items ids in frame order`);
  for (const item of actual.items) {
    const itemLabel = `${label}.items.${hex(item.id, 2)}`;
    const { raw, ...values } = expected[hex(item.id, 2)];
    assert.equal(item.raw.toString('hex'), raw, `${itemLabel}.raw`);
    const decoded = decodeItemValue(item) as Record<string, unknown> | undefined;
    if (Object.keys(values).length === 0) {
      if (SCALED_IDS.has(item.id)) assert.equal(decoded, undefined, `${itemLabel}: a non-standard length must stay raw`);
      continue;
    }
    assert.ok(decoded, `${itemLabel}: no scaled value decoded`);
    assertMatches(decoded, values, itemLabel);
  }
}
