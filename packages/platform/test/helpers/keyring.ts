import { randomBytes } from 'node:crypto';
import type { Store } from '../../src/store/db.ts';
import { defaultEncryptionSettings } from '../../src/config.ts';
import { attachKeyring } from '../../src/crypto/setup.ts';
import { parseMasterKey } from '../../src/crypto/master-key.ts';
import type { Keyring } from '../../src/crypto/keyring.ts';

/** Attaches data keys under a random master key, as `serve` does with the configured one. */
export function attachTestKeyring(store: Store, masterHex = randomBytes(32).toString('hex')): Keyring {
  return attachKeyring(store, parseMasterKey(masterHex, 'test'), defaultEncryptionSettings);
}
