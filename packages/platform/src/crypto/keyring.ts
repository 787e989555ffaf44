import { randomBytes } from 'node:crypto';
import type { Store } from '../store/db.ts';
import { AppError } from '../errors.ts';
import { open, seal, Sealer, blobKeyId, type Algorithm, type DataKey } from './envelope.ts';
import type { MasterKey } from './master-key.ts';

export interface KeyringSettings {
  /** Algorithm of new data keys. */
  algorithm: Algorithm;
  /** A data key older than this is replaced by a new one for new data. */
  dataKeyPeriodDays: number;
}

/** A data key as `Keyring.inspect` lists it: its metadata, never its material. */
export interface DataKeyStatus {
  id: number;
  algorithm: string;
  createdAt: number;
  /** When the key stopped sealing new data, or null for the active key. */
  retiredAt: number | null;
  /** createdAt plus the rotation period for the active key, or null for a retired key. */
  rotationDueAt: number | null;
  /** Fingerprint of the master key that wrapped this key. */
  masterFingerprint: string;
  /** Whether the keyring's master key unwraps this key and its authentication tag checks. */
  masterKeyOpens: boolean;
}

interface DataKeyRow {
  id: number;
  algorithm: string;
  created_at: number;
  retired_at: number | null;
  wrapped: Buffer;
  master_fingerprint: string;
}

/** The master key wraps data keys with SM4-CTR and HMAC-SM3, whatever the data keys' own algorithm. */
function wrappingKey(master: MasterKey): DataKey {
  return { id: 0, algorithm: 'sm4-ctr-hmac-sm3', encKey: master.wrapKey, macKey: master.wrapMacKey };
}

const wrapAad = (id: number, algorithm: string) => `data_keys|${id}|${algorithm}`;

function unwrap(master: MasterKey, row: DataKeyRow): DataKey {
  if (row.master_fingerprint !== master.fingerprint) {
    throw new AppError(
      'GONGCHE_ERR_MASTER_KEY_MISMATCH',
      500,
      `The master key from ${master.source} (fingerprint ${master.fingerprint}) is not the one that wrapped data key ${row.id} (fingerprint ${row.master_fingerprint}); start with the right key, or run "gongche keys rewrap" with both keys`,
      { value: master.fingerprint },
    );
  }
  const material = open(wrappingKey(master), row.wrapped, wrapAad(row.id, row.algorithm), `data key ${row.id}`);
  const algorithm = row.algorithm as Algorithm;
  return algorithm === 'aes-256-gcm'
    ? { id: row.id, algorithm, encKey: material, macKey: Buffer.alloc(0) }
    : { id: row.id, algorithm, encKey: material.subarray(0, 16), macKey: material.subarray(16) };
}

/**
 * Data keys of a store, unwrapped in memory under the master key. New data is sealed under the
 * newest key; old keys stay for reading what they sealed.
 */
export class Keyring {
  readonly #store: Store;
  readonly #master: MasterKey;
  readonly #settings: KeyringSettings;
  readonly #keys = new Map<number, DataKey>();
  #active: { key: DataKey; createdAt: number } | null = null;
  #checkedAt = 0;

  private constructor(store: Store, master: MasterKey, settings: KeyringSettings) {
    this.#store = store;
    this.#master = master;
    this.#settings = settings;
  }

  /** Loads and unwraps every data key; fails at once when the master key is not the one that wrapped them. */
  static load(store: Store, master: MasterKey, settings: KeyringSettings): Keyring {
    const keyring = new Keyring(store, master, settings);
    keyring.#loadNewer();
    return keyring;
  }

  /** Unwraps keys added since the last load, e.g. by `gongche keys rotate` in another process. */
  #loadNewer(): void {
    const newest = Math.max(0, ...this.#keys.keys());
    const rows = this.#store.sqlite.prepare('SELECT * FROM data_keys WHERE id > ? ORDER BY id').all(newest) as DataKeyRow[];
    for (const row of rows) {
      const key = unwrap(this.#master, row);
      this.#keys.set(key.id, key);
      if (row.retired_at === null) this.#active = { key, createdAt: row.created_at };
    }
  }

  get master(): MasterKey {
    return this.#master;
  }

  /** Returns the key for new data, creating one when there is none or the active one is past its period. */
  activeKey(now = Date.now()): DataKey {
    // A key rotated by another process is picked up within a few seconds.
    if (now - this.#checkedAt > 5_000) {
      this.#checkedAt = now;
      this.#loadNewer();
    }
    const periodMs = this.#settings.dataKeyPeriodDays * 86_400_000;
    if (!this.#active || now - this.#active.createdAt >= periodMs) return this.rotate(now);
    return this.#active.key;
  }

  /** Creates a new data key, retires the previous one for writing, and returns the new one. */
  rotate(now = Date.now()): DataKey {
    const algorithm = this.#settings.algorithm;
    const material = algorithm === 'aes-256-gcm' ? randomBytes(32) : randomBytes(16 + 32);
    const sqlite = this.#store.sqlite;
    const key = sqlite.transaction(() => {
      sqlite.prepare('UPDATE data_keys SET retired_at = ? WHERE retired_at IS NULL').run(now);
      const id = Number(sqlite.prepare("INSERT INTO data_keys (algorithm, created_at, wrapped, master_fingerprint) VALUES (?, ?, x'', ?)").run(algorithm, now, this.#master.fingerprint).lastInsertRowid);
      sqlite.prepare('UPDATE data_keys SET wrapped = ? WHERE id = ?').run(seal(wrappingKey(this.#master), material, wrapAad(id, algorithm)), id);
      return unwrap(this.#master, sqlite.prepare('SELECT * FROM data_keys WHERE id = ?').get(id) as DataKeyRow);
    })();
    this.#keys.set(key.id, key);
    this.#active = { key, createdAt: now };
    return key;
  }

  /** Returns a sealer under the active key, for one group of writes. */
  sealer(now = Date.now()): Sealer {
    return new Sealer(this.activeKey(now));
  }

  /** Verifies and decrypts a blob sealed under any key of this store. */
  open(blob: Buffer, aad: string, what: string): Buffer {
    const id = blobKeyId(blob);
    if (!this.#keys.has(id)) this.#loadNewer();
    const key = this.#keys.get(id);
    if (!key) throw new AppError('GONGCHE_ERR_KEY_UNKNOWN', 500, `Stored ${what} was sealed under data key ${id}, which this store does not hold`, { value: id });
    return open(key, blob, aad, what);
  }

  /** Settings of this keyring: the algorithm of new keys and their rotation period. */
  get settings(): Readonly<KeyringSettings> {
    return this.#settings;
  }

  /**
   * Lists the data keys without their material, each with whether the master key unwraps it and,
   * for the active key, when it is due for replacement. A key past its due date is replaced at
   * the next write, so the date may lie in the past while nothing is written.
   */
  inspect(): DataKeyStatus[] {
    const rows = this.#store.sqlite.prepare('SELECT * FROM data_keys ORDER BY id').all() as DataKeyRow[];
    const periodMs = this.#settings.dataKeyPeriodDays * 86_400_000;
    return rows.map((row) => ({
      id: row.id,
      algorithm: row.algorithm,
      createdAt: row.created_at,
      retiredAt: row.retired_at,
      rotationDueAt: row.retired_at === null ? row.created_at + periodMs : null,
      masterFingerprint: row.master_fingerprint,
      masterKeyOpens: this.#opens(row),
    }));
  }

  #opens(row: DataKeyRow): boolean {
    try {
      unwrap(this.#master, row);
      return true;
    } catch (error) {
      // A wrong master key or a wrapped key that fails authentication. Any other error is a bug.
      if (error instanceof AppError) return false;
      throw error;
    }
  }

  /** Lists the data keys without their material. */
  list(): { id: number; algorithm: string; createdAt: number; retiredAt: number | null }[] {
    const rows = this.#store.sqlite.prepare('SELECT id, algorithm, created_at, retired_at FROM data_keys ORDER BY id').all() as DataKeyRow[];
    return rows.map((r) => ({ id: r.id, algorithm: r.algorithm, createdAt: r.created_at, retiredAt: r.retired_at }));
  }
}

/** Re-wraps every data key of the store under `next`, in one transaction; the data itself is not touched. */
export function rewrapDataKeys(store: Store, current: MasterKey, next: MasterKey): number {
  const sqlite = store.sqlite;
  return sqlite.transaction(() => {
    const rows = sqlite.prepare('SELECT * FROM data_keys ORDER BY id').all() as DataKeyRow[];
    const update = sqlite.prepare('UPDATE data_keys SET wrapped = ?, master_fingerprint = ? WHERE id = ?');
    for (const row of rows) {
      const key = unwrap(current, row);
      const material = key.algorithm === 'aes-256-gcm' ? key.encKey : Buffer.concat([key.encKey, key.macKey]);
      update.run(seal(wrappingKey(next), material, wrapAad(row.id, row.algorithm)), next.fingerprint, row.id);
    }
    return rows.length;
  })();
}
