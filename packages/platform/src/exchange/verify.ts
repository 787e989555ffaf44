import fs from 'node:fs';
import path from 'node:path';
import { createPublicKey, type KeyObject } from 'node:crypto';
import type { Store } from '../store/db.ts';
import { exchangeError } from './errors.ts';
import { digestFile, readChunks, splitLines } from './files.ts';
import { manifestName, parseManifest, signatureName, type Manifest, type ManifestFile } from './manifest.ts';
import { FileDecryptor, unwrapKey, type PackageKey } from './package-crypto.ts';
import { keyFingerprint, privateScalar, publicPoint, verifySm2 } from './sm2-keys.ts';

export interface ReceiverKey {
  privateKey: KeyObject;
  /** The key file, for messages. */
  file: string;
}

export interface VerifyOptions {
  /** The sender's signing public key, configured on the receiving side. */
  senderKey: KeyObject;
  /** The receiver's encryption private key; needed to read an encrypted package. */
  receiverKey: ReceiverKey | null;
  /** Whether to read every record; an encrypted package's records are read only with receiverKey. */
  checkContents: boolean;
}

/** A package whose signature, file list and digests were checked. */
export interface VerifiedPackage {
  dir: string;
  manifest: Manifest;
  /** Null for a package in clear, or an encrypted one read without the receiver key. */
  packageKey: PackageKey | null;
  /** Whether the records can be read: false for an encrypted package without the receiver key. */
  readable: boolean;
}

function readPackageFile(dir: string, name: string): Buffer {
  try {
    return fs.readFileSync(path.join(dir, name));
  } catch (error) {
    throw exchangeError('FILE', `The package ${dir} has no readable ${name} (${(error as NodeJS.ErrnoException).code})`, name);
  }
}

function checkSignature(dir: string, senderKey: KeyObject): Manifest {
  const bytes = readPackageFile(dir, manifestName);
  const signature = readPackageFile(dir, signatureName);
  if (!verifySm2(senderKey, bytes, signature)) {
    throw exchangeError('SIGNATURE', `The SM2 signature in ${signatureName} does not match ${manifestName} under the sender key ${keyFingerprint(senderKey)}: the manifest was altered, or signed by another key`, signatureName);
  }
  const manifest = parseManifest(bytes);
  if (manifest.signature.keyFingerprint !== keyFingerprint(senderKey)) {
    throw exchangeError('MANIFEST', `${manifestName} names signing key ${manifest.signature.keyFingerprint}, but it verifies under ${keyFingerprint(senderKey)}`, manifest.signature.keyFingerprint);
  }
  return manifest;
}

function checkFileList(dir: string, manifest: Manifest): void {
  const expected = new Set([manifestName, signatureName, ...manifest.files.map((f) => f.name)]);
  const present = new Set(fs.readdirSync(dir));
  for (const name of expected) if (!present.has(name)) throw exchangeError('FILE', `${name} is missing from the package ${dir}, though the manifest lists it`, name);
  for (const name of [...present].sort()) if (!expected.has(name)) throw exchangeError('FILE', `${name} in the package ${dir} is not listed in the manifest; a package contains only its listed files`, name);
}

function checkDigests(dir: string, manifest: Manifest): void {
  for (const file of manifest.files) {
    const actual = digestFile(path.join(dir, file.name));
    if (actual.bytes !== file.bytes) throw exchangeError('DIGEST', `${file.name} has ${actual.bytes} bytes, but the manifest says ${file.bytes}`, file.name);
    if (actual.sm3 !== file.sm3) throw exchangeError('DIGEST', `The SM3 digest of ${file.name} is ${actual.sm3}, but the manifest says ${file.sm3}: the file was altered`, file.name);
  }
}

function openPackageKey(manifest: Manifest, receiverKey: ReceiverKey): PackageKey {
  const encryption = manifest.encryption!;
  const publicKey = createPublicKey(receiverKey.privateKey);
  const suppliedFingerprint = keyFingerprint(publicKey);
  if (suppliedFingerprint !== encryption.receiverKeyFingerprint) {
    throw exchangeError('DECRYPT', `Package ${manifest.packageId} is encrypted for the receiver key ${encryption.receiverKeyFingerprint}, but ${receiverKey.file} contains key ${suppliedFingerprint}: give the receiver private key that matches`, suppliedFingerprint);
  }
  const ephemeral = Buffer.from(encryption.ephemeralPublicKey, 'hex');
  return unwrapKey(privateScalar(receiverKey.privateKey, receiverKey.file), publicPoint(publicKey), ephemeral, Buffer.from(encryption.wrappedKey, 'base64'), manifest.packageId);
}

/**
 * Checks a package folder: the SM2 signature over manifest.json, that the folder contains exactly
 * the files it lists, each file's length and SM3 digest, the package key when the package is
 * encrypted, and with checkContents every record. Throws the GONGCHE_ERR_EXCHANGE_* error of
 * the first fault found, naming the file or value.
 */
export function verifyPackage(dir: string, options: VerifyOptions): VerifiedPackage {
  if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw exchangeError('FILE', `${dir} is not a package folder`, dir);
  const manifest = checkSignature(dir, options.senderKey);
  checkFileList(dir, manifest);
  checkDigests(dir, manifest);
  const encrypted = manifest.encryption !== null;
  const packageKey = encrypted && options.receiverKey ? openPackageKey(manifest, options.receiverKey) : null;
  const verified: VerifiedPackage = { dir, manifest, packageKey, readable: !encrypted || packageKey !== null };
  if (options.checkContents && verified.readable) {
    for (const file of manifest.files) {
      let count = 0;
      for (const _record of readRecords(verified, file)) count += 1;
      checkCount(file, count);
    }
  }
  return verified;
}

/** Throws GONGCHE_ERR_EXCHANGE_TRUNCATED when a file contains another number of records than its manifest entry lists. */
export function checkCount(file: ManifestFile, count: number): void {
  if (count !== file.records) throw exchangeError('TRUNCATED', `${file.name} contains ${count} records, but the manifest lists ${file.records}: the file was cut short or the manifest is wrong`, file.name);
}

function* plaintextChunks(pkg: VerifiedPackage, file: ManifestFile): Generator<Buffer> {
  const chunks = readChunks(path.join(pkg.dir, file.name));
  if (!pkg.packageKey) {
    yield* chunks;
    return;
  }
  const decryptor = new FileDecryptor(pkg.packageKey, file.name);
  for (const chunk of chunks) yield decryptor.update(chunk);
  decryptor.final();
}

/**
 * Yields the records of one data file with their line numbers, decrypting as it reads. A line
 * that is not a JSON object, or a last line without its newline, fails with
 * GONGCHE_ERR_EXCHANGE_TRUNCATED naming the file and line.
 */
export function* readRecords(pkg: VerifiedPackage, file: ManifestFile): Generator<{ line: number; text: string; record: Record<string, unknown> }> {
  if (!pkg.readable) throw exchangeError('DECRYPT', `${file.name} is encrypted; give the receiver's encryption key with --receiver-key`, file.name);
  for (const line of splitLines(plaintextChunks(pkg, file))) {
    const where = `${file.name} line ${line.number}`;
    if (!line.terminated) throw exchangeError('TRUNCATED', `${where} ends without a newline: the file was cut short`, where);
    let record: unknown;
    try {
      record = JSON.parse(line.text);
    } catch {
      throw exchangeError('TRUNCATED', `${where} is not valid JSON: the record was cut or altered`, where);
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) throw exchangeError('TRUNCATED', `${where} is not a JSON object`, where);
    yield { line: line.number, text: line.text, record: record as Record<string, unknown> };
  }
}

/**
 * Throws GONGCHE_ERR_EXCHANGE_REPLAY when the package was imported before, or its sequence
 * number is not greater than the last one imported from its sender.
 */
export function checkReplay(store: Store, manifest: Manifest): void {
  const same = store.sqlite.prepare('SELECT imported_at FROM exchange_imports WHERE package_id = ?').get(manifest.packageId) as { imported_at: number } | undefined;
  if (same) throw exchangeError('REPLAY', `Package ${manifest.packageId} was already imported at ${new Date(same.imported_at).toISOString()}`, manifest.packageId);
  const last = store.sqlite.prepare('SELECT MAX(sequence) AS sequence FROM exchange_imports WHERE sender_id = ?').get(manifest.senderId) as { sequence: number | null };
  if (last.sequence !== null && manifest.sequence <= last.sequence) {
    throw exchangeError('REPLAY', `Package ${manifest.packageId} from ${manifest.senderId} has sequence number ${manifest.sequence}, not greater than ${last.sequence}, the last one imported from that sender`, manifest.sequence);
  }
}
