import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore, type Store } from '../../src/store/db.ts';
import { Keyring, rewrapDataKeys } from '../../src/crypto/keyring.ts';
import { createMasterKeyFile, parseMasterKey, readMasterKey } from '../../src/crypto/master-key.ts';

const settings = { algorithm: 'sm4-ctr-hmac-sm3' as const, dataKeyPeriodDays: 30 };
const newMaster = () => parseMasterKey(randomBytes(32).toString('hex'), 'test');

describe('keyring', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-keys-'));
    store = await openStore({ file: path.join(dir, 'gongche.db'), synchronous: 'NORMAL' });
  });
  after(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates a data key on first use and opens what it sealed after a reload', () => {
    const master = newMaster();
    const keyring = Keyring.load(store, master, settings);
    const blob = keyring.sealer().seal(Buffer.from('75.993823'), 'row');
    const reloaded = Keyring.load(store, master, settings);
    assert.equal(reloaded.open(blob, 'row', 'value').toString(), '75.993823');
    store.sqlite.exec('DELETE FROM data_keys');
  });

  it('rotates to a new key and still opens data of the old one', () => {
    const master = newMaster();
    const keyring = Keyring.load(store, master, settings);
    const old = keyring.sealer().seal(Buffer.from('old'), 'r');
    const rotated = keyring.rotate();
    const fresh = keyring.sealer().seal(Buffer.from('new'), 'r');
    assert.equal(fresh.readUInt32BE(2), rotated.id);
    assert.notEqual(old.readUInt32BE(2), rotated.id);
    assert.equal(keyring.open(old, 'r', 'v').toString(), 'old');
    assert.equal(keyring.list().filter((k) => k.retiredAt === null).length, 1);
    store.sqlite.exec('DELETE FROM data_keys');
  });

  it('rotates by itself when the active key is past its period', () => {
    const master = newMaster();
    const keyring = Keyring.load(store, master, { ...settings, dataKeyPeriodDays: 30 });
    const first = keyring.activeKey(Date.parse('2026-01-01T00:00:00Z'));
    assert.equal(keyring.activeKey(Date.parse('2026-01-20T00:00:00Z')).id, first.id);
    assert.notEqual(keyring.activeKey(Date.parse('2026-02-01T00:00:00Z')).id, first.id);
    store.sqlite.exec('DELETE FROM data_keys');
  });

  it('refuses to load under a wrong master key', () => {
    const keyring = Keyring.load(store, newMaster(), settings);
    keyring.rotate();
    assert.throws(() => Keyring.load(store, newMaster(), settings), { code: 'GONGCHE_ERR_MASTER_KEY_MISMATCH' });
    store.sqlite.exec('DELETE FROM data_keys');
  });

  it('rewraps data keys under a new master key without touching the data', () => {
    const before = newMaster();
    const keyring = Keyring.load(store, before, settings);
    const blob = keyring.sealer().seal(Buffer.from('39.47'), 'r');
    const after = newMaster();
    assert.equal(rewrapDataKeys(store, before, after), 1);
    assert.throws(() => Keyring.load(store, before, settings), { code: 'GONGCHE_ERR_MASTER_KEY_MISMATCH' });
    assert.equal(Keyring.load(store, after, settings).open(blob, 'r', 'v').toString(), '39.47');
    store.sqlite.exec('DELETE FROM data_keys');
  });

  it('detects a wrapped key altered in the database', () => {
    const master = newMaster();
    Keyring.load(store, master, settings).rotate();
    store.sqlite.exec("UPDATE data_keys SET wrapped = substr(wrapped, 1, 30) || x'00' || substr(wrapped, 32)");
    assert.throws(() => Keyring.load(store, master, settings), { code: 'GONGCHE_ERR_DECRYPT_FAILED' });
    store.sqlite.exec('DELETE FROM data_keys');
  });

  it('keeps AES-256-GCM data keys readable next to SM4 ones', () => {
    const master = newMaster();
    const sm4 = Keyring.load(store, master, settings);
    const a = sm4.sealer().seal(Buffer.from('sm4'), 'r');
    const gcm = Keyring.load(store, master, { ...settings, algorithm: 'aes-256-gcm' });
    gcm.rotate();
    const b = gcm.sealer().seal(Buffer.from('gcm'), 'r');
    assert.equal(b[1], 2);
    const both = Keyring.load(store, master, settings);
    assert.equal(both.open(a, 'r', 'v').toString(), 'sm4');
    assert.equal(both.open(b, 'r', 'v').toString(), 'gcm');
    store.sqlite.exec('DELETE FROM data_keys');
  });
});

describe('master key', () => {
  it('reads hex and base64 keys and rejects others', () => {
    const bytes = randomBytes(32);
    assert.equal(parseMasterKey(bytes.toString('hex'), 'x').fingerprint, parseMasterKey(bytes.toString('base64'), 'x').fingerprint);
    assert.throws(() => parseMasterKey('too-short', 'GONGCHE_MASTER_KEY'), { code: 'GONGCHE_ERR_MASTER_KEY_INVALID', message: /GONGCHE_MASTER_KEY/ });
  });

  it('creates a key file readable only by its owner and refuses to overwrite it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-master-'));
    try {
      const file = path.join(dir, 'master.key');
      const created = createMasterKeyFile(file);
      assert.equal(fs.statSync(file).mode & 0o777, 0o600);
      assert.equal(readMasterKey({ file })!.fingerprint, created.fingerprint);
      assert.throws(() => createMasterKeyFile(file), { code: 'EEXIST' });
      assert.throws(() => readMasterKey({ file: path.join(dir, 'missing.key') }), { code: 'GONGCHE_ERR_MASTER_KEY_MISSING' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('keyring shared between processes', () => {
  it('picks up a key rotated by another process', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongche-keys-shared-'));
    const file = path.join(dir, 'gongche.db');
    const master = newMaster();
    const server = await openStore({ file, synchronous: 'NORMAL' });
    const tool = await openStore({ file, synchronous: 'NORMAL' });
    try {
      const running = Keyring.load(server, master, settings);
      const t0 = Date.parse('2026-03-01T00:00:00Z');
      const first = running.activeKey(t0);
      const rotated = Keyring.load(tool, master, settings).rotate(t0 + 1000);
      assert.equal(running.activeKey(t0 + 2000).id, first.id, 'not checked again within 5 s');
      assert.equal(running.activeKey(t0 + 10_000).id, rotated.id);
      const blob = Keyring.load(tool, master, settings).sealer(t0 + 1000).seal(Buffer.from('x'), 'r');
      assert.equal(running.open(blob, 'r', 'v').toString(), 'x');
    } finally {
      await tool.close();
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
