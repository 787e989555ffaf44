import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../config.ts';
import { cliActor } from '../audit/actors.ts';
import { invalid } from '../errors.ts';
import { withExistingStore } from '../store/open-existing.ts';
import type { Store } from '../store/db.ts';
import { attachKeyring, readToolMasterKey } from '../crypto/setup.ts';
import { exportPackage } from '../exchange/export.ts';
import { importPackage } from '../exchange/import.ts';
import { checkReplay, verifyPackage, type ReceiverKey } from '../exchange/verify.ts';
import { generateExchangeKeys, keyFiles, readPrivateKey, readPublicKey } from '../exchange/sm2-keys.ts';
import { defineCommand } from './commands.ts';

const dataDirOption = '  --data-dir DIR        folder of the database file (default: ./data, or GONGCHE_DATA_DIR)';

function withStore<T>(dataDir: string | undefined, options: { keyring: boolean }, work: (store: Store) => T): Promise<T> {
  return withExistingStore(dataDir, (store) => {
    if (options.keyring) {
      const config = defaultConfig();
      attachKeyring(store, readToolMasterKey(config.encryption, dataDir ? path.resolve(dataDir) : config.dataDir), config.encryption);
    }
    return work(store);
  });
}

const beijingDate = /^(\d{4})-(\d{2})-(\d{2})$/;
const isoWithOffset = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses a period bound and returns it in UTC ms. YYYY-MM-DD is the start of that day in Beijing
 * time (UTC+8), moved by `dayOffset` days. An ISO 8601 time must carry its offset.
 */
export function parsePeriodBound(text: string | undefined, option: string, dayOffset: number): number {
  if (!text) throw invalid(`Missing ${option}: give a date YYYY-MM-DD (Beijing time) or an ISO 8601 time with offset`);
  const day = beijingDate.exec(text);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const midnight = new Date(Date.UTC(year, month - 1, date));
    if (midnight.getUTCFullYear() === year && midnight.getUTCMonth() === month - 1 && midnight.getUTCDate() === date) {
      return midnight.getTime() + dayOffset * 86_400_000 - 8 * 3_600_000;
    }
  } else if (isoWithOffset.test(text) && !Number.isNaN(Date.parse(text))) {
    return Date.parse(text);
  }
  throw invalid(`${option} ${text} is not a date YYYY-MM-DD or an ISO 8601 time with offset (e.g. 2022-12-01T08:00:00+08:00)`, text);
}

function receiverKeyOption(file: string | undefined): ReceiverKey | null {
  return file ? { privateKey: readPrivateKey(path.resolve(file)), file: path.resolve(file) } : null;
}

function requireOption(value: string | undefined, option: string, hint: string): string {
  if (!value) throw invalid(`Missing ${option}: ${hint}`);
  return value;
}

defineCommand({
  path: ['exchange', 'keygen'],
  summary: 'write SM2 key pairs for signing and receiving exchange packages',
  usage: `Usage: gongche exchange keygen --out DIR

Writes two SM2 key pairs into DIR (private keys PKCS#8 PEM with file mode 0600, public keys PEM):
  ${keyFiles.signingKey} / ${keyFiles.signingPublic}        signs the packages this side exports
  ${keyFiles.encryptionKey} / ${keyFiles.encryptionPublic}  opens the packages encrypted for this side
Give ${keyFiles.signingPublic} to the receiving side (--sender-key) and ${keyFiles.encryptionPublic} to the
sending side (--encrypt-to). Never overwrites a file.`,
  async run(args) {
    const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
    const dir = path.resolve(requireOption(values.out, '--out', 'give the folder for the keys'));
    const fingerprints = generateExchangeKeys(dir);
    console.log(`Wrote the signing key pair to ${path.join(dir, keyFiles.signingKey)} and ${keyFiles.signingPublic} (SM3 fingerprint ${fingerprints.signing}).`);
    console.log(`Wrote the encryption key pair to ${path.join(dir, keyFiles.encryptionKey)} and ${keyFiles.encryptionPublic} (SM3 fingerprint ${fingerprints.encryption}).`);
    return 0;
  },
});

defineCommand({
  path: ['exchange', 'export'],
  summary: 'write a signed package of a period for the other network',
  usage: `Usage: gongche exchange export --from DATE --to DATE --out DIR --sender-id ID --signing-key FILE
                               [--encrypt-to PUB.pem] [--data-dir DIR]

Writes a package folder with the positions (device time in the period, decrypted), the emergency
alarms that started in the period and the registry as NDJSON files, a manifest with their SM3
digests, and the manifest's SM2 signature. The master key is read as "gongche serve" reads it.

Options:
  --from DATE           period start: YYYY-MM-DD (00:00 Beijing time) or an ISO 8601 time with offset
  --to DATE             period end: YYYY-MM-DD includes that whole day (Beijing time); an ISO time is exclusive
  --out DIR             package folder to create; must not exist
  --sender-id ID        this side's name in the exchange (1-64 letters, digits, . _ -); numbers packages per sender
  --signing-key FILE    this side's ${keyFiles.signingKey} from "gongche exchange keygen"
  --encrypt-to PUB.pem  the receiver's ${keyFiles.encryptionPublic}: encrypts the data files for it
${dataDirOption}`,
  async run(args) {
    const options = { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' }, 'sender-id': { type: 'string' }, 'signing-key': { type: 'string' }, 'encrypt-to': { type: 'string' }, 'data-dir': { type: 'string' } } as const;
    const { values } = parseArgs({ args, options, strict: true });
    const from = parsePeriodBound(values.from, '--from', 0);
    const to = parsePeriodBound(values.to, '--to', beijingDate.test(values.to ?? '') ? 1 : 0);
    const out = requireOption(values.out, '--out', 'give a new folder for the package');
    const senderId = requireOption(values['sender-id'], '--sender-id', "give this side's name in the exchange");
    const signingKey = readPrivateKey(path.resolve(requireOption(values['signing-key'], '--signing-key', `give this side's ${keyFiles.signingKey}`)));
    const receiverKey = values['encrypt-to'] ? readPublicKey(path.resolve(values['encrypt-to'])) : null;
    const result = await withStore(values['data-dir'], { keyring: true }, (store) => exportPackage(store, { from, to, out, senderId, signingKey, receiverKey, actor: cliActor() }));
    console.log(`Exported package ${result.packageId} (sender ${senderId}, sequence ${result.sequence}) to ${result.dir}${receiverKey ? ', encrypted for the receiver' : ''}.`);
    console.log(`Records: ${result.counts.positions} positions, ${result.counts.alerts} alarms, ${result.counts.registry} registry entries.`);
    return 0;
  },
});

const receiveOptions = `  --sender-key PUB.pem   the sender's ${keyFiles.signingPublic}
  --receiver-key FILE    this side's ${keyFiles.encryptionKey}; needed for an encrypted package
${dataDirOption}`;

const receiveParse = { 'sender-key': { type: 'string' }, 'receiver-key': { type: 'string' }, 'data-dir': { type: 'string' } } as const;

function receiveArgs(args: string[], command: string) {
  const { values, positionals } = parseArgs({ args, options: receiveParse, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw invalid(`exchange ${command} takes exactly one PACKAGE folder, got ${positionals.length}`);
  const senderKey = readPublicKey(path.resolve(requireOption(values['sender-key'], '--sender-key', `give the sender's ${keyFiles.signingPublic}`)));
  return { dir: path.resolve(positionals[0]!), senderKey, receiverKey: receiverKeyOption(values['receiver-key']), dataDir: values['data-dir'] };
}

defineCommand({
  path: ['exchange', 'verify'],
  summary: 'check a received package without importing it',
  usage: `Usage: gongche exchange verify PACKAGE --sender-key PUB.pem [--receiver-key FILE] [--data-dir DIR]

Checks the SM2 signature of the manifest, that the folder holds exactly the listed files, their
lengths and SM3 digests, every record (for an encrypted package only with --receiver-key), and
that the package was not imported before and its sequence number is new. Exit code 0 when the
package may be imported, 1 with a GONGCHE_ERR_EXCHANGE_* code when it is rejected.

Options:
${receiveOptions}`,
  async run(args) {
    const { dir, senderKey, receiverKey, dataDir } = receiveArgs(args, 'verify');
    const pkg = verifyPackage(dir, { senderKey, receiverKey, checkContents: true });
    await withStore(dataDir, { keyring: false }, (store) => checkReplay(store, pkg.manifest));
    const m = pkg.manifest;
    console.log(`Package ${m.packageId} from ${m.senderId}, sequence ${m.sequence}, period ${m.period.from} to ${m.period.to}: signature, files and digests verified.`);
    for (const file of m.files) console.log(`  ${file.name}  ${file.records} records  ${file.bytes} bytes  SM3 ${file.sm3}`);
    console.log(pkg.readable ? 'Every record was read; the package was not imported before.' : 'Records not read: the package is encrypted and no --receiver-key was given. It was not imported before.');
    return 0;
  },
});

defineCommand({
  path: ['exchange', 'import'],
  summary: 'verify a received package and store its records',
  usage: `Usage: gongche exchange import PACKAGE --sender-key PUB.pem [--receiver-key FILE] [--data-dir DIR]

Runs the checks of "gongche exchange verify", then stores every record, sealed under this store's
data keys, in one transaction. A rejected package stores nothing and exits with code 1.

Options:
${receiveOptions}`,
  async run(args) {
    const { dir, senderKey, receiverKey, dataDir } = receiveArgs(args, 'import');
    const result = await withStore(dataDir, { keyring: true }, (store) => importPackage(store, dir, { senderKey, receiverKey, actor: cliActor() }));
    console.log(`Imported package ${result.packageId} from ${result.senderId}, sequence ${result.sequence}: ${result.counts.positions} positions, ${result.counts.alerts} alarms, ${result.counts.registry} registry entries.`);
    return 0;
  },
});
