import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../config.ts';
import { appendAudit, AUDIT_ACTIONS } from '../audit/log.ts';
import { cliActor } from '../audit/actors.ts';
import { withExistingStore } from '../store/open-existing.ts';
import type { Store } from '../store/db.ts';
import { invalid } from '../errors.ts';
import { Keyring, rewrapDataKeys } from '../crypto/keyring.ts';
import { rotateDataKey } from '../crypto/rotation.ts';
import { createMasterKeyFile, readMasterKey } from '../crypto/master-key.ts';
import { defaultMasterKeyFile, readToolMasterKey } from '../crypto/setup.ts';
import { defineCommand } from './commands.ts';

const keySource = `The master key is read from GONGCHE_MASTER_KEY (the key itself) or GONGCHE_MASTER_KEY_FILE,
or else from master.key in the data folder, as "gongche serve" does.`;

const dataDirOption = '  --data-dir DIR   folder of the database file (default: ./data, or GONGCHE_DATA_DIR)';

function withKeyring<T>(dataDir: string | undefined, work: (store: Store, keyring: Keyring) => T): Promise<T> {
  const config = defaultConfig();
  return withExistingStore(dataDir, (store) => {
    const folder = dataDir ? path.resolve(dataDir) : config.dataDir;
    const master = readToolMasterKey(config.encryption, folder);
    if (master.source === defaultMasterKeyFile(folder)) console.error(`Note: the master key is read from ${master.source}, beside the database; keep it apart in production.`);
    return work(store, Keyring.load(store, master, config.encryption));
  });
}

function printKeys(keyring: Keyring): void {
  for (const key of keyring.list()) {
    const state = key.retiredAt === null ? 'active' : `retired ${new Date(key.retiredAt).toISOString()}`;
    console.log(`data key ${key.id}  ${key.algorithm}  created ${new Date(key.createdAt).toISOString()}  ${state}`);
  }
}

defineCommand({
  path: ['keys', 'list'],
  summary: 'list the data keys that seal positions and raw frames',
  usage: `Usage: gongche keys list [--data-dir DIR]\n\nLists the data keys (never their material) and checks that the master key opens them.\n${keySource}\n\nOptions:\n${dataDirOption}`,
  async run(args) {
    const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } }, strict: true });
    await withKeyring(values['data-dir'], (_store, keyring) => {
      console.log(`master key ${keyring.master.fingerprint} from ${keyring.master.source}`);
      printKeys(keyring);
    });
    return 0;
  },
});

defineCommand({
  path: ['keys', 'rotate'],
  summary: 'create a new data key for new data',
  usage: `Usage: gongche keys rotate [--data-dir DIR]\n\nCreates a new data key; new positions and frames are sealed under it (a running platform\npicks it up within seconds) and older data stays readable under the retired keys.\n${keySource}\n\nOptions:\n${dataDirOption}`,
  async run(args) {
    const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' } }, strict: true });
    await withKeyring(values['data-dir'], (store, keyring) => {
      const { key } = rotateDataKey(store, keyring, cliActor());
      console.log(`Created data key ${key.id} (${key.algorithm}); earlier keys are retired for writing and still open their data.`);
    });
    return 0;
  },
});

defineCommand({
  path: ['keys', 'rewrap'],
  summary: 'wrap the data keys under a new master key',
  usage: `Usage: gongche keys rewrap --new-master-key-file FILE [--data-dir DIR]\n\nRe-wraps every data key under the master key in FILE; the data itself is not re-encrypted.\nStop the platform first, and start it again with GONGCHE_MASTER_KEY_FILE=FILE: the old master\nkey no longer opens anything and can then be destroyed. Create FILE with "gongche keys generate".\n${keySource}\n\nOptions:\n  --new-master-key-file FILE   the new master key (64 hex digits)\n${dataDirOption}`,
  async run(args) {
    const { values } = parseArgs({ args, options: { 'data-dir': { type: 'string' }, 'new-master-key-file': { type: 'string' } }, strict: true });
    const file = values['new-master-key-file'];
    if (!file) throw invalid('Missing --new-master-key-file: create a key with "gongche keys generate FILE" first');
    const next = readMasterKey({ file: path.resolve(file) })!;
    await withKeyring(values['data-dir'], (store, keyring) => {
      if (next.fingerprint === keyring.master.fingerprint) throw invalid(`${file} holds the current master key; give a new one`, file);
      const count = rewrapDataKeys(store, keyring.master, next);
      appendAudit(store, { actor: cliActor(), action: AUDIT_ACTIONS.keysRewrapped, objectType: 'master_key', objectId: next.fingerprint, detail: { previous: keyring.master.fingerprint, dataKeys: count } });
      console.log(`Re-wrapped ${count} data key(s) under master key ${next.fingerprint}.`);
      console.log(`Start the platform with GONGCHE_MASTER_KEY_FILE=${path.resolve(file)}; the key ${keyring.master.fingerprint} from ${keyring.master.source} no longer opens the data.`);
    });
    return 0;
  },
});

defineCommand({
  path: ['keys', 'generate'],
  summary: 'write a new random master key to a file',
  usage: `Usage: gongche keys generate FILE\n\nWrites a new random master key (64 hex digits, file mode 0600) to FILE; refuses to overwrite.\nKeep it apart from the database, e.g. on another volume.`,
  async run(args) {
    const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
    if (positionals.length !== 1) throw invalid(`keys generate takes exactly one FILE, got ${positionals.length}`);
    const key = createMasterKeyFile(path.resolve(positionals[0]!));
    console.log(`Wrote master key ${key.fingerprint} to ${key.source}.`);
    return 0;
  },
});
