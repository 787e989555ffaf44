import fs from 'node:fs';
import path from 'node:path';
import type { EncryptionSettings } from '../config.ts';
import { createLogger, type Logger } from '../logger.ts';
import type { Store } from '../store/db.ts';
import { AppError } from '../errors.ts';
import { Keyring } from './keyring.ts';
import { createMasterKeyFile, readMasterKey, type MasterKey } from './master-key.ts';

/** Default master key file of a data folder, used only when no key is configured. */
export const defaultMasterKeyFile = (dataDir: string) => path.join(dataDir, 'master.key');

/**
 * Reads the configured master key. Without one, `serve` falls back to master.key in the data
 * folder and creates it on the first start, so that the demo needs no set-up; the log warns
 * that such a key sits beside the data it protects.
 */
export function resolveMasterKey(settings: EncryptionSettings, dataDir: string, logger: Logger, options: { create: boolean }): MasterKey {
  const configured = readMasterKey({ env: process.env.GONGCHE_MASTER_KEY, file: settings.masterKeyFile ?? undefined });
  if (configured) {
    logger.info({ source: configured.source, fingerprint: configured.fingerprint }, 'master key loaded');
    return configured;
  }
  const file = defaultMasterKeyFile(dataDir);
  if (fs.existsSync(file)) {
    const key = readMasterKey({ file })!;
    logger.warn({ file, fingerprint: key.fingerprint }, 'master key read from the data folder; keep it apart from the database in production (GONGCHE_MASTER_KEY_FILE)');
    return key;
  }
  if (!options.create) {
    throw new AppError('GONGCHE_ERR_MASTER_KEY_MISSING', 400, `No master key: set GONGCHE_MASTER_KEY_FILE (or GONGCHE_MASTER_KEY), or put it in ${file}`, { value: file });
  }
  const key = createMasterKeyFile(file);
  logger.warn({ file, fingerprint: key.fingerprint }, 'master key created in the data folder; move it apart from the database and set GONGCHE_MASTER_KEY_FILE for production');
  return key;
}

/** Loads the store's data keys under the master key and attaches them to the store. */
export function attachKeyring(store: Store, master: MasterKey, settings: EncryptionSettings): Keyring {
  store.keyring = Keyring.load(store, master, settings);
  return store.keyring;
}

/** Returns the store's keyring, or fails with a clear error when the store was opened without one. */
export function requireKeyring(store: Store): Keyring {
  if (!store.keyring) throw new AppError('GONGCHE_ERR_MASTER_KEY_MISSING', 500, 'This store was opened without its master key, so sealed positions and frames cannot be read or written');
  return store.keyring;
}

/** Reads the master key a command-line tool needs, as `serve` would for the same data folder, without creating one. */
export function readToolMasterKey(settings: EncryptionSettings, dataDir: string): MasterKey {
  return resolveMasterKey(settings, dataDir, createLogger({ level: 'error' }), { create: false });
}
