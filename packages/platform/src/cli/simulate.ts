import path from 'node:path';
import { parseArgs } from 'node:util';
import type { HeaderEdition } from '@gongche/jt808';
import { createLogger } from '../logger.ts';
import { openExistingStore } from '../store/open-existing.ts';
import { readBoundTerminals, startFromLastFixes } from '../simulator/demo.ts';
import { defaultConfig } from '../config.ts';
import { attachKeyring, readToolMasterKey } from '../crypto/setup.ts';
import { SimulatedFleet, type FleetMember, type FleetSummary } from '../simulator/fleet.ts';
import { defineCommand } from './commands.ts';
import { phoneKey } from '../registry/phone.ts';

const usage = `Usage: gongche simulate [options]

Runs simulated JT/T 808 terminals that drive routes in Kashgar and report to a gateway over TCP.
Only terminals registered on the platform may connect: the demo fleet of "gongche serve --demo"
has phones 013900000000 to 013900000003, 013900000100 to 013900000105, and so on (see
src/demo/kashgar-units.json), so use --from-store to read the phones of a running store: it takes
terminals that have not been seen for two minutes, which leaves alone the ones the demo drives.

Options:
  --host HOST           gateway address (default: 127.0.0.1)
  --port PORT           gateway JT/T 808 port (default: 6808)
  --terminals N         number of terminals (default: 10)
  --edition E           2013 or 2019 header and body layouts (default: 2013)
  --interval S          seconds between location reports (default: 5)
  --duration S          stop after S seconds (default: run until Ctrl-C); at the end every vehicle
                        parks with ACC off and reports once more (one interval) before disconnecting
  --phone-prefix DIGITS terminal phones are the prefix followed by the index, 12 digits in all (default: 0139)
  --from-store          take the phones of offline terminals bound to vehicles from the store in --data-dir;
                        each starts where its vehicle was last reported and first drives straight to
                        its route, so the rules see no implausible jump (needs the master key, as
                        "gongche serve" does; without it the terminals start on their routes)
  --phones LIST         drive exactly these terminals (comma-separated phones, e.g. a terminal just bound
                        in an installation work order), read from the store in --data-dir like --from-store,
                        whether or not they were seen recently; --terminals is then ignored
  --data-dir DIR        folder of the gongche.db store read by --from-store and --phones (default: ./data, or GONGCHE_DATA_DIR)`;

defineCommand({
  path: ['simulate'],
  summary: 'drive simulated terminals against a gateway',
  usage,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '6808' },
        terminals: { type: 'string', default: '10' },
        edition: { type: 'string', default: '2013' },
        interval: { type: 'string', default: '5' },
        duration: { type: 'string' },
        'phone-prefix': { type: 'string', default: '0139' },
        'from-store': { type: 'boolean', default: false },
        phones: { type: 'string' },
        'data-dir': { type: 'string' },
      },
      strict: true,
    });
    const count = positiveInteger(values.terminals, '--terminals');
    const edition = parseEdition(values.edition);
    const phones = values.phones === undefined ? undefined : parsePhones(values.phones);
    const members = phones
      ? await membersFromStore(values['data-dir'], phones.length, phones)
      : values['from-store']
        ? await membersFromStore(values['data-dir'], count)
        : phonesFromPrefix(values['phone-prefix'], count).map((phone) => ({ phone }));
    if (members.length === 0) {
      throw new Error('No terminals to simulate: the store has no terminal that is bound to a vehicle and silent for two minutes; bind one, or wait until the last run has been quiet that long');
    }

    const logger = createLogger({ level: process.env.GONGCHE_LOG_LEVEL ?? 'warn' });
    const intervalS = positive(values.interval, '--interval');
    const fleet = new SimulatedFleet({ host: values.host, port: port(values.port), members, edition, intervalS, logger });
    let rejected = 0;
    const online = new Set<string>();
    for (const terminal of fleet.terminals) {
      terminal.on('stopped', (reason) => {
        if (reason === 'stopped by request') return;
        rejected++;
        console.error(`terminal ${terminal.phone}: ${reason}`);
      });
      terminal.on('phase', (phase) => {
        if (phase === 'online') online.add(terminal.phone);
      });
    }
    console.log(`simulating ${members.length} terminals (${edition}) against ${values.host}:${values.port}: ${phoneList(members.map((m) => m.phone))}`);
    fleet.start();

    const ticker = setInterval(() => console.log(summaryLine(fleet.summary())), 10_000);
    await waitForEnd(values.duration === undefined ? undefined : positive(values.duration, '--duration'));
    clearInterval(ticker);
    // Vehicles end their trip as drivers do: parked with ACC off, reported once before the terminals disconnect.
    for (const terminal of fleet.terminals) terminal.park(3600);
    await new Promise((resolve) => setTimeout(resolve, intervalS * 1000 + 1000));
    await fleet.stop();
    const summary = fleet.summary();
    console.log(summaryLine(summary));
    const neverOnline = fleet.terminals.filter((terminal) => !online.has(terminal.phone));
    if (neverOnline.length > 0) {
      console.error(`${neverOnline.length} of ${fleet.terminals.length} terminals never authenticated with ${values.host}:${values.port} (${phoneList(neverOnline.map((t) => t.phone))}); check that the gateway runs there and that the phones are registered`);
      return 1;
    }
    return rejected > 0 ? 1 : 0;
  },
});

/** Lists up to eight phones, or the first and last of a longer list with the count. */
function phoneList(phones: readonly string[]): string {
  if (phones.length <= 8) return phones.join(', ');
  return `${phones[0]} … ${phones.at(-1)} (${phones.length} phones)`;
}

function summaryLine(s: FleetSummary): string {
  return `connected ${s.connected}/${s.terminals}, reports sent ${s.reportsSent}, acknowledged ${s.acknowledged}, rejected ${s.rejected}, resent ${s.resent}, blind-area uploaded ${s.uploaded}, stopped ${s.stopped}`;
}

/** Resolves after `seconds`, or on SIGINT/SIGTERM when no duration is given. */
function waitForEnd(seconds: number | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (seconds !== undefined) setTimeout(resolve, seconds * 1000);
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** Splits the --phones list and rejects an empty list or a phone that is not 1 to 20 digits. */
export function parsePhones(list: string): string[] {
  const phones = list.split(',').map((phone) => phone.trim()).filter((phone) => phone !== '');
  if (phones.length === 0) throw new Error('--phones needs at least one phone, e.g. --phones 013911110001,013911110002');
  for (const phone of phones) {
    if (!/^[0-9]{1,20}$/.test(phone)) throw new Error(`--phones: "${phone}" is not a terminal phone (1 to 20 digits)`);
  }
  return phones;
}

/** Returns `count` phones: the prefix followed by the zero-padded index, 12 digits in all (more for a long prefix). */
export function phonesFromPrefix(prefix: string, count: number): string[] {
  if (!/^[0-9]{1,19}$/.test(prefix)) throw new Error(`--phone-prefix must be 1 to 19 digits, got "${prefix}"`);
  const width = Math.max(12, prefix.length + String(count - 1).length);
  if (width > 20) throw new Error(`--phone-prefix "${prefix}" leaves too few digits for ${count} terminals within 20 digits`);
  return Array.from({ length: count }, (_, i) => prefix + String(i).padStart(width - prefix.length, '0'));
}

/**
 * Reads the offline bound terminals of the store, each starting from its vehicle's last stored
 * fix. Without the master key the fixes cannot be read: the terminals then start on their routes,
 * and the rules may report device_jump_after_silence for vehicles last seen elsewhere.
 */
async function membersFromStore(dataDir: string | undefined, count: number, phones?: readonly string[]): Promise<FleetMember[]> {
  const config = defaultConfig();
  const dir = path.resolve(dataDir ?? process.env.GONGCHE_DATA_DIR ?? 'data');
  const store = await openExistingStore(dir);
  try {
    // The gateway records last-seen times every few seconds, so two minutes of silence means offline.
    const members = phones
      ? await readBoundTerminals(store.db, count, undefined, phones.map(phoneKey))
      : await readBoundTerminals(store.db, count, Date.now() - 120_000);
    if (phones) {
      const found = new Set(members.map((m) => phoneKey(m.phone)));
      const missing = phones.filter((phone) => !found.has(phoneKey(phone)));
      if (missing.length > 0) {
        throw new Error(`--phones: no terminal bound to a vehicle has phone ${missing.join(', ')} in ${dir}; bind it first (an installation work order or POST /api/terminals with vehicleId)`);
      }
    }
    try {
      attachKeyring(store, readToolMasterKey(config.encryption, dir), config.encryption);
    } catch (error) {
      console.error(
        `warning: the master key of ${dir} is not available (${(error as Error).message}), so the terminals start on their routes, not where their vehicles were last reported; ` +
          'the rules may report device_jump_after_silence for them. Set GONGCHE_MASTER_KEY or GONGCHE_MASTER_KEY_FILE as for "gongche serve".',
      );
      return members;
    }
    const placed = await startFromLastFixes(store, members);
    console.log(`${placed} of ${members.length} terminals start where their vehicles were last reported and first drive to their routes`);
    return members;
  } finally {
    await store.close();
  }
}

function parseEdition(value: string): HeaderEdition {
  if (value !== '2013' && value !== '2019') throw new Error(`--edition must be 2013 or 2019, got "${value}"`);
  return value;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`--port must be a port number from 1 to 65535, got "${value}"`);
  return n;
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, got "${value}"`);
  return n;
}

function positiveInteger(value: string, flag: string): number {
  const n = positive(value, flag);
  if (!Number.isInteger(n)) throw new Error(`${flag} must be a whole number, got "${value}"`);
  return n;
}
