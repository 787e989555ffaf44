import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors.ts';
import { defaultConfig } from '../config.ts';
import { openStore, type Store } from './db.ts';

/**
 * Opens the store of a data folder (default: the configured one) for a command-line tool. Unlike `serve`, a tool never
 * creates a database: a mistyped --data-dir would otherwise give it an empty one.
 */
export async function openExistingStore(dataDirOption: string | undefined): Promise<Store> {
  const dataDir = dataDirOption ? path.resolve(dataDirOption) : defaultConfig().dataDir;
  const file = path.join(dataDir, 'gongche.db');
  if (!fs.existsSync(file)) {
    throw new AppError('GONGCHE_ERR_NO_STORE', 404, `No gongche database at ${file}: pass the --data-dir of the running platform, or start it once with "gongche serve --data-dir ${dataDir}"`, { value: file });
  }
  return openStore({ file });
}

/** Opens the existing store of a data folder, runs `work` on it and closes the store, also when `work` fails. */
export async function withExistingStore<T>(dataDir: string | undefined, work: (store: Store) => T | Promise<T>): Promise<T> {
  const store = await openExistingStore(dataDir);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
