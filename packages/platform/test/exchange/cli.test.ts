import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/commands.ts';
import { parsePeriodBound } from '../../src/cli/exchange.ts';
import { openSite, seedSender, type Site } from './harness.ts';
import { captureConsole as capture } from '../helpers/console.ts';

describe('gongche exchange', () => {
  let sender: Site;
  let receiver: Site;
  let pkg: string;
  before(async () => {
    [sender, receiver] = await Promise.all([openSite('cli-sender'), openSite('cli-receiver')]);
    await seedSender(sender.store);
    pkg = path.join(sender.dir, 'package-2022-12-01');
  });
  after(async () => {
    await Promise.all([sender.close(), receiver.close()]);
  });

  it('keygen writes both key pairs and refuses an existing folder of keys', async (t) => {
    const io = capture(t);
    const dir = path.join(sender.dir, 'cli-keys');
    assert.equal(await runCli(['exchange', 'keygen', '--out', dir]), 0);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['encryption.key', 'encryption.pub.pem', 'signing.key', 'signing.pub.pem']);
    assert.match(io.out(), /SM3 fingerprint [0-9a-f]{64}/);
    assert.equal(await runCli(['exchange', 'keygen', '--out', dir]), 1);
    assert.match(io.err(), /already exists.*\[GONGCHE_ERR_EXCHANGE_KEY\]/);
  });

  it('exports an encrypted hour, then verify and import succeed on the receiving side', async (t) => {
    const io = capture(t);
    const exported = await runCli(['exchange', 'export', '--from', '2022-12-01T08:00:00+08:00', '--to', '2022-12-01T09:00:00+08:00', '--out', pkg, '--sender-id', 'bureau-business', '--signing-key', path.join(sender.keysDir, 'signing.key'), '--encrypt-to', path.join(receiver.keysDir, 'encryption.pub.pem'), '--data-dir', sender.dir]);
    assert.equal(exported, 0, io.err());
    assert.match(io.out(), /sequence 1\) .*encrypted for the receiver/);
    assert.match(io.out(), /6 positions, 1 alarms, 5 registry entries/);

    const receive = ['--sender-key', path.join(sender.keysDir, 'signing.pub.pem'), '--receiver-key', path.join(receiver.keysDir, 'encryption.key'), '--data-dir', receiver.dir];
    assert.equal(await runCli(['exchange', 'verify', pkg, ...receive]), 0, io.err());
    assert.match(io.out(), /Every record was read/);
    assert.equal(await runCli(['exchange', 'import', pkg, ...receive]), 0, io.err());
    assert.match(io.out(), /Imported package .* 6 positions, 1 alarms, 5 registry entries/);
  });

  it('exits 1 with the replay code when the package comes again', async (t) => {
    const io = capture(t);
    const receive = ['--sender-key', path.join(sender.keysDir, 'signing.pub.pem'), '--receiver-key', path.join(receiver.keysDir, 'encryption.key'), '--data-dir', receiver.dir];
    assert.equal(await runCli(['exchange', 'verify', pkg, ...receive]), 1);
    assert.match(io.err(), /already imported.*\[GONGCHE_ERR_EXCHANGE_REPLAY\]/);
    assert.equal(await runCli(['exchange', 'import', pkg, ...receive]), 1);
  });

  it('exits 1 with the signature code under another sender key', async (t) => {
    const io = capture(t);
    assert.equal(await runCli(['exchange', 'verify', pkg, '--sender-key', path.join(receiver.keysDir, 'signing.pub.pem'), '--data-dir', receiver.dir]), 1);
    assert.match(io.err(), /\[GONGCHE_ERR_EXCHANGE_SIGNATURE\]/);
  });

  it('parses dates as Beijing days and rejects impossible ones', () => {
    assert.equal(parsePeriodBound('2022-12-01', '--from', 0), Date.parse('2022-11-30T16:00:00Z'));
    assert.equal(parsePeriodBound('2022-12-01', '--to', 1), Date.parse('2022-12-01T16:00:00Z'));
    assert.equal(parsePeriodBound('2022-12-01T08:30:00+08:00', '--from', 0), Date.parse('2022-12-01T00:30:00Z'));
    for (const bad of ['2022-02-30', '2022-12-01T08:30:00', 'yesterday']) assert.throws(() => parsePeriodBound(bad, '--from', 0), { code: 'GONGCHE_ERR_VALIDATION', value: bad });
    assert.throws(() => parsePeriodBound(undefined, '--to', 0), /Missing --to/);
  });
});
