import fs from 'node:fs';
import path from 'node:path';
import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import type { Store } from '../store/db.ts';
import { appendAudit, AUDIT_ACTIONS, type AuditActor } from '../audit/log.ts';
import { invalid } from '../errors.ts';
import { exchangeError } from './errors.ts';
import { NdjsonWriter } from './files.ts';
import { dataFileName, fileKinds, formatName, formatVersion, manifestBytes, manifestName, signatureName, type FileKind, type Manifest } from './manifest.ts';
import { createWrappedKey, type PackageKey } from './package-crypto.ts';
import { periodPositions } from './position-stream.ts';
import { periodAlarms, periodAlerts, registryRecords } from './records.ts';
import { keyFingerprint, publicPoint, signSm2, verifySm2 } from './sm2-keys.ts';

export interface ExportOptions {
  /** Period start, UTC ms, inclusive. */
  from: number;
  /** Period end, UTC ms, exclusive. */
  to: number;
  /** Folder to create for the package; must not exist. */
  out: string;
  senderId: string;
  signingKey: KeyObject;
  /** The receiver's encryption public key; null writes the data files in clear. */
  receiverKey: KeyObject | null;
  actor: AuditActor;
}

export interface ExportResult {
  packageId: string;
  sequence: number;
  dir: string;
  counts: Record<FileKind, number>;
}

const senderIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

function nextSequence(store: Store, senderId: string): number {
  const row = store.sqlite.prepare('SELECT MAX(sequence) AS last FROM exchange_exports WHERE sender_id = ?').get(senderId) as { last: number | null };
  return (row.last ?? 0) + 1;
}

async function writeDataFiles(store: Store, dir: string, options: ExportOptions, key: PackageKey | null): Promise<Manifest['files']> {
  const files: Manifest['files'] = [];
  for (const kind of fileKinds) {
    const name = dataFileName(kind, key !== null);
    const writer = new NdjsonWriter(path.join(dir, name), name, key);
    try {
      if (kind === 'positions') for await (const record of periodPositions(store, options.from, options.to)) writer.write(record);
      if (kind === 'alerts') {
        for (const record of await periodAlarms(store, options.from, options.to)) writer.write(record);
        for (const record of await periodAlerts(store, options.from, options.to)) writer.write(record);
      }
      if (kind === 'registry') for (const record of await registryRecords(store)) writer.write(record);
    } catch (error) {
      writer.abort();
      throw error;
    }
    files.push({ name, kind, ...writer.close() });
  }
  return files;
}

function signManifest(dir: string, manifest: Manifest, signingKey: KeyObject): void {
  const bytes = manifestBytes(manifest);
  const signature = signSm2(signingKey, bytes);
  // A key object that is not an SM2 key would sign with ECDSA; check before anything is sent.
  if (!verifySm2(createPublicKey(signingKey), bytes, signature)) throw exchangeError('KEY', 'The signing key made a signature that does not verify as SM2; read it from its PEM file', manifest.signature.keyFingerprint);
  fs.writeFileSync(path.join(dir, manifestName), bytes, { flag: 'wx', mode: 0o644 });
  fs.writeFileSync(path.join(dir, signatureName), signature, { flag: 'wx', mode: 0o644 });
}

/**
 * Writes a package of the period's positions, emergency alarms, alerts and registry into `options.out`:
 * NDJSON data files, a manifest with their SM3 digests, and the manifest's SM2 signature. The
 * package is written beside the target folder and renamed into place only when complete.
 */
export async function exportPackage(store: Store, options: ExportOptions): Promise<ExportResult> {
  if (!(options.from < options.to)) throw invalid(`The period start ${new Date(options.from).toISOString()} is not before its end ${new Date(options.to).toISOString()}`, options.from);
  if (!senderIdPattern.test(options.senderId)) throw invalid(`Sender id ${JSON.stringify(options.senderId)} is invalid: use 1-64 letters, digits, dots, hyphens or underscores`, options.senderId);
  const out = path.resolve(options.out);
  if (fs.existsSync(out)) throw invalid(`${out} already exists; give a new folder for the package`, out);
  const packageId = randomUUID();
  const partial = `${out}.partial-${packageId}`;
  fs.mkdirSync(partial, { recursive: true, mode: 0o700 });
  try {
    const sequence = nextSequence(store, options.senderId);
    const wrapped = options.receiverKey ? createWrappedKey(publicPoint(options.receiverKey), packageId) : null;
    const files = await writeDataFiles(store, partial, options, wrapped?.key ?? null);
    const manifest: Manifest = {
      format: formatName,
      version: formatVersion,
      packageId,
      senderId: options.senderId,
      sequence,
      createdAt: new Date().toISOString(),
      period: { from: new Date(options.from).toISOString(), to: new Date(options.to).toISOString() },
      signature: { algorithm: 'SM2-SM3', distinguishingId: '', keyFingerprint: keyFingerprint(createPublicKey(options.signingKey)) },
      encryption:
        wrapped && options.receiverKey
          ? {
              algorithm: 'SM4-CTR+HMAC-SM3',
              keyAgreement: 'ECDH-SM2+HKDF-SM3',
              receiverKeyFingerprint: keyFingerprint(options.receiverKey),
              ephemeralPublicKey: wrapped.ephemeralPoint.toString('hex'),
              wrappedKey: wrapped.wrapped.toString('base64'),
            }
          : null,
      files,
    };
    signManifest(partial, manifest, options.signingKey);
    const counts = Object.fromEntries(files.map((f) => [f.kind, f.records])) as Record<FileKind, number>;
    recordExport(store, manifest, counts, out, options.actor);
    fs.renameSync(partial, out);
    return { packageId, sequence, dir: out, counts };
  } catch (error) {
    fs.rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

function recordExport(store: Store, manifest: Manifest, counts: Record<FileKind, number>, out: string, actor: AuditActor): void {
  const sqlite = store.sqlite;
  sqlite
    .transaction(() => {
      sqlite
        .prepare('INSERT INTO exchange_exports (package_id, sender_id, sequence, created_at, period_from, period_to, receiver_fingerprint, counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
        .run(manifest.packageId, manifest.senderId, manifest.sequence, Date.parse(manifest.createdAt), Date.parse(manifest.period.from), Date.parse(manifest.period.to), manifest.encryption?.receiverKeyFingerprint ?? null, JSON.stringify(counts));
      appendAudit(store, {
        actor,
        action: AUDIT_ACTIONS.exchangeExported,
        objectType: 'exchange_package',
        objectId: manifest.packageId,
        detail: {
          senderId: manifest.senderId,
          sequence: manifest.sequence,
          from: manifest.period.from,
          to: manifest.period.to,
          counts,
          encryptedFor: manifest.encryption?.receiverKeyFingerprint ?? null,
          signer: manifest.signature.keyFingerprint,
          folder: out,
        },
      });
    })
    .immediate();
}
