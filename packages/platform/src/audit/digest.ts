import { createHash } from 'node:crypto';

/** prev_digest of the first entry: 64 zero hex digits (32 bytes), fixed for every store. */
export const GENESIS_DIGEST = '0'.repeat(64);

/** Version tag prefixed to every digest input, so a later encoding can never collide with this one. */
const ENCODING_TAG = 'gongche-audit-v1';

/** The stored fields of one audit entry, as they are hashed. */
export interface AuditDigestFields {
  seq: number;
  at: number;
  actor_user_id: number | null;
  actor_username: string;
  actor_role: string | null;
  actor_address: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  /** Canonical JSON text, exactly as stored. */
  detail: string;
  prev_digest: string;
}

/**
 * Canonical encoding: a JSON array of the fields in a fixed order. Every field is a string,
 * an integer or null, and JSON quotes and escapes strings, so no two different entries
 * share an encoding (a field boundary can never be forged by the field contents).
 */
export function encodeForDigest(f: AuditDigestFields): string {
  return JSON.stringify([
    ENCODING_TAG, f.seq, f.at, f.actor_user_id, f.actor_username, f.actor_role, f.actor_address,
    f.action, f.object_type, f.object_id, f.detail, f.prev_digest,
  ]);
}

/** SM3 (GB/T 32905) of the canonical encoding, lowercase hex. */
export function entryDigest(fields: AuditDigestFields): string {
  return createHash('sm3').update(encodeForDigest(fields), 'utf8').digest('hex');
}

/** JSON with object keys sorted at every level, so equal details always give the same text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.toISOString();
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
