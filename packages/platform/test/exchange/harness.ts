import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { openStore, type Store } from '../../src/store/db.ts';
import { attachKeyring } from '../../src/crypto/setup.ts';
import { createMasterKeyFile } from '../../src/crypto/master-key.ts';
import { defaultEncryptionSettings } from '../../src/config.ts';
import { generateExchangeKeys, keyFiles, readPrivateKey, readPublicKey } from '../../src/exchange/sm2-keys.ts';
import { manifestBytes, manifestName, parseManifest, signatureName, type Manifest } from '../../src/exchange/manifest.ts';
import { signSm2 } from '../../src/exchange/sm2-keys.ts';
import { digestFile } from '../../src/exchange/files.ts';
import { insertFleetVehicle, insertPositions } from '../api/fixtures.ts';

/** One side of the exchange: a data folder with its database and master key, and its exchange keys. */
export interface Site {
  dir: string;
  store: Store;
  keysDir: string;
  signingKey: KeyObject;
  signingPublic: KeyObject;
  encryptionKey: KeyObject;
  encryptionPublic: KeyObject;
  close(): Promise<void>;
}

export async function openSite(prefix: string): Promise<Site> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `gongche-exchange-${prefix}-`));
  const master = createMasterKeyFile(path.join(dir, 'master.key'));
  const store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  attachKeyring(store, master, defaultEncryptionSettings);
  const keysDir = path.join(dir, 'keys');
  generateExchangeKeys(keysDir);
  return {
    dir,
    store,
    keysDir,
    signingKey: readPrivateKey(path.join(keysDir, keyFiles.signingKey)),
    signingPublic: readPublicKey(path.join(keysDir, keyFiles.signingPublic)),
    encryptionKey: readPrivateKey(path.join(keysDir, keyFiles.encryptionKey)),
    encryptionPublic: readPublicKey(path.join(keysDir, keyFiles.encryptionPublic)),
    async close() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Start of the test period: 2022-12-01 08:00 Beijing time. */
export const periodFrom = Date.parse('2022-12-01T00:00:00Z');
export const periodTo = periodFrom + 3_600_000;
const minute = 60_000;

/**
 * Fills a sender's store: two vehicles with interleaved positions in the period, one invalid fix,
 * one position without a device time received in the period, positions outside the period and
 * an emergency alarm inside and one outside. Returns what a package of the period must hold.
 */
export async function seedSender(store: Store) {
  const a = await insertFleetVehicle(store.db, '喀什地区行政公署办公室', '新Q00001', '013900000001');
  const b = await insertFleetVehicle(store.db, '喀什地区行政公署办公室', '新Q00002', '013900000002');
  await insertPositions(store, a, [
    { deviceTime: periodFrom + 1 * minute, latitude: 39.4701 },
    { deviceTime: periodFrom + 3 * minute, latitude: 39.4703 },
    { deviceTime: periodFrom + 5 * minute, latitude: 39.4705, valid: false, invalidReason: 'impossible_jump' },
    { deviceTime: periodFrom - minute, latitude: 39.4 },
    { deviceTime: periodTo, latitude: 39.5 },
  ]);
  await insertPositions(store, b, [
    { deviceTime: periodFrom + 2 * minute, latitude: 39.4702 },
    { deviceTime: periodFrom + 4 * minute, latitude: 39.4704 },
    { deviceTime: null, receivedAt: periodFrom + 10 * minute, latitude: 39.4799, valid: false, invalidReason: 'invalid_time' },
  ]);
  const alarm = (terminalId: number, vehicleId: number, startedAt: number) => ({ terminal_id: terminalId, vehicle_id: vehicleId, alarm_serial: 7, started_at: startedAt, last_report_at: startedAt, state: 'open' });
  await store.db.insertInto('emergency_alarms').values([alarm(a.terminalId, a.vehicleId, periodFrom + 6 * minute), alarm(b.terminalId, b.vehicleId, periodTo + minute)]).execute();
  return {
    ids: { a, b },
    latitudesInOrder: [39.4799, 39.4701, 39.4702, 39.4703, 39.4704, 39.4705],
    counts: { positions: 6, alerts: 1, registry: 5 },
  };
}

/** Copies a package folder so that a test can alter the copy. */
export function copyPackage(dir: string, name: string): string {
  const copy = path.join(path.dirname(dir), name);
  fs.cpSync(dir, copy, { recursive: true });
  return copy;
}

export const readManifest = (dir: string): Manifest => parseManifest(fs.readFileSync(path.join(dir, manifestName)));

/** Rewrites the manifest with the current length and digest of `fileName`, signing it with `key`, or keeping the old signature when key is null. */
export function rewriteManifest(dir: string, fileName: string, key: KeyObject | null): void {
  const manifest = readManifest(dir);
  const entry = manifest.files.find((f) => f.name === fileName)!;
  Object.assign(entry, digestFile(path.join(dir, fileName)));
  fs.writeFileSync(path.join(dir, manifestName), manifestBytes(manifest));
  if (key) fs.writeFileSync(path.join(dir, signatureName), signSm2(key, manifestBytes(manifest)));
}
