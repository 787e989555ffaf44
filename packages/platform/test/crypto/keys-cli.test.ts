import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/commands.ts';
import { openStore } from '../../src/store/db.ts';
import { attachKeyring } from '../../src/crypto/setup.ts';
import { readMasterKey } from '../../src/crypto/master-key.ts';
import { defaultEncryptionSettings } from '../../src/config.ts';
import { captureConsole as capture } from '../helpers/console.ts';

describe('gongche keys', () => {
  let dir: string;
  let sealed: Buffer;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-keys-cli-'));
    assert.equal(await runCli(['keys', 'generate', path.join(dir, 'master.key')]), 0);
    const store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
    sealed = attachKeyring(store, readMasterKey({ file: path.join(dir, 'master.key') })!, defaultEncryptionSettings).sealer().seal(Buffer.from('39.4677'), 'r');
    await store.close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('lists the data keys under the master key of the data folder', async (t) => {
    const io = capture(t);
    assert.equal(await runCli(['keys', 'list', '--data-dir', dir]), 0);
    assert.match(io.out(), /data key 1 {2}sm4-ctr-hmac-sm3 .* active/);
  });

  it('rotates to a new key and records it in the audit log', async (t) => {
    const io = capture(t);
    assert.equal(await runCli(['keys', 'rotate', '--data-dir', dir]), 0);
    assert.match(io.out(), /Created data key 2/);
    const store = await openStore({ file: path.join(dir, 'gongche.db') });
    const entry = store.sqlite.prepare("SELECT object_id FROM audit_log WHERE action = 'keys.rotated'").get() as { object_id: string };
    await store.close();
    assert.equal(entry.object_id, '2');
  });

  it('rewraps under a new master key, after which only the new key opens the data', async (t) => {
    const io = capture(t);
    const next = path.join(dir, 'next.key');
    assert.equal(await runCli(['keys', 'generate', next]), 0);
    assert.equal(await runCli(['keys', 'rewrap', '--new-master-key-file', next, '--data-dir', dir]), 0);
    assert.match(io.out(), /Re-wrapped 2 data key\(s\)/);

    assert.equal(await runCli(['keys', 'list', '--data-dir', dir]), 1);
    assert.match(io.err(), /GONGCHE_ERR_MASTER_KEY_MISMATCH/);

    const store = await openStore({ file: path.join(dir, 'gongche.db') });
    const keyring = attachKeyring(store, readMasterKey({ file: next })!, defaultEncryptionSettings);
    assert.equal(keyring.open(sealed, 'r', 'value').toString(), '39.4677');
    await store.close();
  });

  it('refuses a missing new key file and a data folder without a key', async (t) => {
    const io = capture(t);
    assert.equal(await runCli(['keys', 'rewrap', '--data-dir', dir]), 1);
    assert.match(io.err(), /Missing --new-master-key-file/);
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-keys-bare-'));
    try {
      await (await openStore({ file: path.join(bare, 'gongche.db') })).close();
      assert.equal(await runCli(['keys', 'list', '--data-dir', bare]), 1);
      assert.match(io.err(), /No master key: set GONGCHE_MASTER_KEY_FILE/);
    } finally {
      fs.rmSync(bare, { recursive: true, force: true });
    }
  });
});
