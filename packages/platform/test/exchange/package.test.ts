import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { exportPackage, type ExportResult } from '../../src/exchange/export.ts';
import { importPackage, importedRecords } from '../../src/exchange/import.ts';
import { verifyPackage } from '../../src/exchange/verify.ts';
import { manifestBytes, manifestName, signatureName } from '../../src/exchange/manifest.ts';
import { copyPackage, openSite, periodFrom, periodTo, readManifest, rewriteManifest, seedSender, type Site } from './harness.ts';

const actor = { userId: null, username: 'os:test' };

/** Runs `work` and returns the code and value of the AppError it throws. */
function rejection(work: () => unknown): { code: string; value: unknown; message: string } {
  try {
    work();
  } catch (error) {
    const e = error as { code: string; value: unknown; message: string };
    return { code: e.code, value: e.value, message: e.message };
  }
  assert.fail('expected the package to be rejected');
}

describe('exchange package', () => {
  let sender: Site;
  let receiver: Site;
  let attacker: Site;
  let seeded: Awaited<ReturnType<typeof seedSender>>;
  let first: ExportResult;
  let work: string;

  const exportTo = (name: string, encrypt = false) =>
    exportPackage(sender.store, { from: periodFrom, to: periodTo, out: path.join(work, name), senderId: 'bureau-business', signingKey: sender.signingKey, receiverKey: encrypt ? receiver.encryptionPublic : null, actor });
  const verify = (dir: string) => verifyPackage(dir, { senderKey: sender.signingPublic, receiverKey: null, checkContents: true });
  const importInto = (site: Site, dir: string, receiverKey: Site | null = null) =>
    importPackage(site.store, dir, { senderKey: sender.signingPublic, receiverKey: receiverKey ? { privateKey: receiverKey.encryptionKey, file: 'encryption.key' } : null, actor });

  before(async () => {
    [sender, receiver, attacker] = await Promise.all([openSite('sender'), openSite('receiver'), openSite('attacker')]);
    seeded = await seedSender(sender.store);
    work = path.join(sender.dir, 'packages');
    first = await exportTo('first');
  });
  after(async () => {
    await Promise.all([sender.close(), receiver.close(), attacker.close()]);
  });

  it('exports the period with its counts, sequence and an audit entry', () => {
    assert.deepEqual(first.counts, seeded.counts);
    assert.equal(first.sequence, 1);
    assert.deepEqual(fs.readdirSync(first.dir).sort(), ['alerts.ndjson', 'manifest.json', 'manifest.sig', 'positions.ndjson', 'registry.ndjson']);
    const entry = sender.store.sqlite.prepare("SELECT object_id, detail FROM audit_log WHERE action = 'exchange.exported'").get() as { object_id: string; detail: string };
    assert.equal(entry.object_id, first.packageId);
    assert.deepEqual(JSON.parse(entry.detail).counts, seeded.counts);
  });

  it('writes positions decrypted in device-time order, untimed ones first', () => {
    const lines = fs.readFileSync(path.join(first.dir, 'positions.ndjson'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(lines.map((p) => p.latitude), seeded.latitudesInOrder);
    assert.equal(lines[0].deviceTime, null);
    assert.equal(lines[0].invalidReason, 'invalid_time');
    assert.equal(lines[1].plate, '新Q00001');
    assert.equal(lines[5].valid, false);
    assert.equal(lines[5].invalidReason, 'impossible_jump');
  });

  it('leaves auth codes out of the registry', () => {
    const text = fs.readFileSync(path.join(first.dir, 'registry.ndjson'), 'utf8');
    assert.doesNotMatch(text, /SECRET-AUTH-CODE|OLD-LEGACY-CODE|authCode/);
    assert.match(text, /"type":"terminal".*"phone":"013900000001"/);
  });

  it('verifies and imports a package with the exported counts', () => {
    assert.equal(verify(first.dir).readable, true);
    const result = importInto(receiver, first.dir);
    assert.deepEqual(result.counts, seeded.counts);
    const positions = importedRecords(receiver.store, first.packageId, 'positions');
    assert.deepEqual(positions.map((p) => p.latitude), seeded.latitudesInOrder);
    const audit = receiver.store.sqlite.prepare("SELECT object_id FROM audit_log WHERE action = 'exchange.imported'").get() as { object_id: string };
    assert.equal(audit.object_id, first.packageId);
  });

  it('stores imported records sealed, not in clear', () => {
    const blobs = receiver.store.sqlite.prepare('SELECT sealed FROM exchange_records').all() as { sealed: Buffer }[];
    assert.ok(blobs.length > 0);
    for (const { sealed } of blobs) assert.equal(sealed.includes(Buffer.from('新Q00001')), false);
  });

  it('rejects a second import of the same package as a replay', () => {
    const error = rejection(() => importInto(receiver, first.dir));
    assert.equal(error.code, 'GONGCHE_ERR_EXCHANGE_REPLAY');
    assert.equal(error.value, first.packageId);
    const rejected = receiver.store.sqlite.prepare("SELECT detail FROM audit_log WHERE action = 'exchange.import_rejected'").get() as { detail: string };
    assert.equal(JSON.parse(rejected.detail).code, 'GONGCHE_ERR_EXCHANGE_REPLAY');
  });

  it('rejects a package whose sequence number is older than the last imported', async () => {
    const second = await exportTo('second');
    const third = await exportTo('third');
    assert.deepEqual([second.sequence, third.sequence], [2, 3]);
    importInto(receiver, third.dir);
    const error = rejection(() => importInto(receiver, second.dir));
    assert.equal(error.code, 'GONGCHE_ERR_EXCHANGE_REPLAY');
    assert.equal(error.value, 2);
  });

  it('rejects a flipped byte in positions.ndjson, naming the file', () => {
    const dir = copyPackage(first.dir, 'flipped');
    const file = path.join(dir, 'positions.ndjson');
    const bytes = fs.readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    fs.writeFileSync(file, bytes);
    const error = rejection(() => verify(dir));
    assert.equal(error.code, 'GONGCHE_ERR_EXCHANGE_DIGEST');
    assert.equal(error.value, 'positions.ndjson');
  });

  it('rejects a changed manifest field as a bad signature', () => {
    const dir = copyPackage(first.dir, 'changed-manifest');
    const manifest = readManifest(dir);
    manifest.sequence = 99;
    fs.writeFileSync(path.join(dir, manifestName), manifestBytes(manifest));
    assert.equal(rejection(() => verify(dir)).code, 'GONGCHE_ERR_EXCHANGE_SIGNATURE');
  });

  it('rejects a removed data file and a removed signature, naming each', () => {
    for (const name of ['alerts.ndjson', signatureName]) {
      const dir = copyPackage(first.dir, `removed-${name}`);
      fs.rmSync(path.join(dir, name));
      const error = rejection(() => verify(dir));
      assert.equal(error.code, 'GONGCHE_ERR_EXCHANGE_FILE');
      assert.equal(error.value, name);
    }
  });

  it('rejects a file the manifest does not list', () => {
    const dir = copyPackage(first.dir, 'added');
    fs.writeFileSync(path.join(dir, 'extra.ndjson'), '{}\n');
    const error = rejection(() => verify(dir));
    assert.equal(error.code, 'GONGCHE_ERR_EXCHANGE_FILE');
    assert.equal(error.value, 'extra.ndjson');
  });

  it('rejects a truncated file whose digest the attacker recomputed', () => {
    const dir = copyPackage(first.dir, 'truncated-unsigned');
    const file = path.join(dir, 'positions.ndjson');
    fs.truncateSync(file, fs.statSync(file).size - 20);
    rewriteManifest(dir, 'positions.ndjson', null);
    assert.equal(rejection(() => verify(dir)).code, 'GONGCHE_ERR_EXCHANGE_SIGNATURE');
  });

  it('rejects a manifest re-signed by another key', () => {
    const dir = copyPackage(first.dir, 'resigned');
    const file = path.join(dir, 'positions.ndjson');
    fs.truncateSync(file, fs.statSync(file).size - 20);
    rewriteManifest(dir, 'positions.ndjson', attacker.signingKey);
    assert.equal(rejection(() => verify(dir)).code, 'GONGCHE_ERR_EXCHANGE_SIGNATURE');
  });

  it('rejects a signed cut-off last line', () => {
    const dir = copyPackage(first.dir, 'truncated-signed');
    const file = path.join(dir, 'positions.ndjson');
    fs.truncateSync(file, fs.statSync(file).size - 20);
    rewriteManifest(dir, 'positions.ndjson', sender.signingKey);
    const error = rejection(() => verify(dir));
    assert.equal(error.code, 'GONGCHE_ERR_EXCHANGE_TRUNCATED');
    assert.equal(error.value, 'positions.ndjson line 6');

    // The receiver already imported this package id, so a store without imports shows the roll-back.
    assert.equal(rejection(() => importInto(attacker, dir)).code, 'GONGCHE_ERR_EXCHANGE_TRUNCATED');
    assert.deepEqual(attacker.store.sqlite.prepare('SELECT COUNT(*) AS n FROM exchange_records').get(), { n: 0 });
    assert.deepEqual(attacker.store.sqlite.prepare('SELECT COUNT(*) AS n FROM exchange_imports').get(), { n: 0 });
  });

  it('rejects a signed package with a line that is not JSON', () => {
    const dir = copyPackage(first.dir, 'not-json');
    const file = path.join(dir, 'registry.ndjson');
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    lines[1] = lines[1]!.slice(0, 12);
    fs.writeFileSync(file, lines.join('\n'));
    rewriteManifest(dir, 'registry.ndjson', sender.signingKey);
    const error = rejection(() => verify(dir));
    assert.equal(error.code, 'GONGCHE_ERR_EXCHANGE_TRUNCATED');
    assert.equal(error.value, 'registry.ndjson line 2');
  });

  it('imports an encrypted package only with the receiver key', async () => {
    const encrypted = await exportTo('encrypted', true);
    assert.deepEqual(fs.readdirSync(encrypted.dir).sort(), ['alerts.ndjson.sm4', 'manifest.json', 'manifest.sig', 'positions.ndjson.sm4', 'registry.ndjson.sm4']);
    assert.equal(fs.readFileSync(path.join(encrypted.dir, 'registry.ndjson.sm4')).includes(Buffer.from('新Q00001')), false);
    assert.equal(verify(encrypted.dir).readable, false);

    const withoutKey = rejection(() => importInto(attacker, encrypted.dir));
    assert.equal(withoutKey.code, 'GONGCHE_ERR_EXCHANGE_DECRYPT');
    const wrongKey = rejection(() => importInto(attacker, encrypted.dir, attacker));
    assert.equal(wrongKey.code, 'GONGCHE_ERR_EXCHANGE_DECRYPT');
    assert.match(wrongKey.message, /encrypted for the receiver key/);

    const result = importInto(receiver, encrypted.dir, receiver);
    assert.deepEqual(result.counts, seeded.counts);
    assert.deepEqual(importedRecords(receiver.store, encrypted.packageId, 'positions').map((p) => p.latitude), seeded.latitudesInOrder);
  });

  it('rejects a period that ends before it starts', async () => {
    await assert.rejects(
      exportPackage(sender.store, { from: periodTo, to: periodFrom, out: path.join(work, 'backwards'), senderId: 'bureau-business', signingKey: sender.signingKey, receiverKey: null, actor }),
      { code: 'GONGCHE_ERR_VALIDATION' },
    );
    assert.equal(fs.existsSync(path.join(work, 'backwards')), false);
  });
});
