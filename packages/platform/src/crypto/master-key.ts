import fs from 'node:fs';
import path from 'node:path';
import { createHmac, randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';

/** The master key and the keys derived from it; it wraps data keys and is never stored in the database. */
export interface MasterKey {
  /** Where the key came from, for messages: an environment variable name or a file path. */
  source: string;
  /** First 8 bytes of an HMAC-SM3 of the key, hex: identifies the key without revealing it. */
  fingerprint: string;
  /** SM4 key that wraps data keys. */
  wrapKey: Buffer;
  /** HMAC-SM3 key that authenticates wrapped data keys. */
  wrapMacKey: Buffer;
  /** HMAC-SM3 key of the dedupe digests, so they reveal nothing about coordinates. */
  dedupeKey: Buffer;
}

const masterKeyBytes = 32;

function derive(master: Buffer, label: string): Buffer {
  return createHmac('sm3', master).update(`gongche/${label}`).digest();
}

/** Parses a master key written as 64 hex digits or as base64 of 32 bytes. */
export function parseMasterKey(text: string, source: string): MasterKey {
  const trimmed = text.trim();
  let bytes: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) bytes = Buffer.from(trimmed, 'hex');
  else if (/^[A-Za-z0-9+/]{43}=?$/.test(trimmed)) bytes = Buffer.from(trimmed, 'base64');
  if (!bytes || bytes.length !== masterKeyBytes) {
    throw new AppError('GONGCHE_ERR_MASTER_KEY_INVALID', 400, `The master key in ${source} is invalid: it must be 64 hex digits or the base64 of 32 bytes`, { value: source });
  }
  return {
    source,
    fingerprint: derive(bytes, 'fingerprint').subarray(0, 8).toString('hex'),
    wrapKey: derive(bytes, 'wrap/enc').subarray(0, 16),
    wrapMacKey: derive(bytes, 'wrap/mac'),
    dedupeKey: derive(bytes, 'dedupe'),
  };
}

/** Writes a new random master key to `file` (mode 0600) and returns it; fails if the file exists. */
export function createMasterKeyFile(file: string): MasterKey {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = randomBytes(masterKeyBytes).toString('hex');
  fs.writeFileSync(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  return parseMasterKey(text, file);
}

export interface MasterKeySources {
  /** GONGCHE_MASTER_KEY: the key itself. */
  env?: string | undefined;
  /** GONGCHE_MASTER_KEY_FILE or --master-key-file: a file holding the key. */
  file?: string | undefined;
}

/** Reads the master key from the environment variable or the file, the variable first. */
export function readMasterKey(sources: MasterKeySources): MasterKey | null {
  if (sources.env) return parseMasterKey(sources.env, 'GONGCHE_MASTER_KEY');
  if (!sources.file) return null;
  let text: string;
  try {
    text = fs.readFileSync(sources.file, 'utf8');
  } catch (error) {
    throw new AppError('GONGCHE_ERR_MASTER_KEY_MISSING', 400, `The master key file ${sources.file} cannot be read (${(error as NodeJS.ErrnoException).code}); give the right path with --master-key-file or GONGCHE_MASTER_KEY_FILE`, { value: sources.file });
  }
  return parseMasterKey(text, sources.file);
}
