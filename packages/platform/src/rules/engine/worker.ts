// The rules engine thread: evaluates committed positions on its own SQLite connection, so that
// decoding, detectors and their writes run beside the gateway's event loop instead of on it.
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from '../../store/schema.ts';
import type { Store } from '../../store/db.ts';
import { Keyring } from '../../crypto/keyring.ts';
import type { MasterKey } from '../../crypto/master-key.ts';
import { createLogger } from '../../logger.ts';
import { negativeListDetectors } from '../detectors/index.ts';
import { integrityDetectors } from '../integrity/index.ts';
import type { Detector } from './types.ts';
import { RuleRunner } from './runner.ts';
import type { RuleWorkerData, RuleWorkerReply, RuleWorkerRequest } from './worker-protocol.ts';

const data = workerData as RuleWorkerData;
const logger = createLogger().child({ component: 'rules' });
const sqlite = new SqliteDatabase(data.file);
sqlite.pragma('busy_timeout = 15000');
sqlite.pragma('synchronous = NORMAL');
sqlite.pragma('foreign_keys = ON');
// The store's checkpoint worker keeps the WAL short.
sqlite.pragma('wal_autocheckpoint = 20000');
const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
const store: Store = { db, sqlite, file: data.file, synchronous: 'NORMAL', keyring: null, close: () => db.destroy() };
const master: MasterKey = { ...data.master, wrapKey: Buffer.from(data.master.wrapKey), wrapMacKey: Buffer.from(data.master.wrapMacKey), dedupeKey: Buffer.from(data.master.dedupeKey) };
store.keyring = Keyring.load(store, master, data.encryption);

const extra: Detector<unknown, unknown>[] = [];
for (const module of data.detectorModules) extra.push(...((await import(module)) as { default: Detector<unknown, unknown>[] }).default);
// An extra detector replaces the registered one of the same code, because state is kept per code.
const extraCodes = new Set(extra.map((d) => d.code));
const detectors = [...(negativeListDetectors as Detector<unknown, unknown>[]), ...integrityDetectors].filter((d) => !extraCodes.has(d.code)).concat(extra);

function reply(message: RuleWorkerReply): void {
  parentPort!.postMessage(message);
}

const runner = new RuleRunner({
  store,
  logger,
  detectors,
  batchSize: data.batchSize,
  inputsMaxAgeMs: data.inputsMaxAgeMs,
  onAlerts: (saved) =>
    reply({ kind: 'alerts', alerts: saved.map((s) => ({ id: s.id, created: s.created, key: s.draft.key, rule: s.draft.rule, vehicleId: s.draft.vehicleId, late: s.draft.late })) }),
});

let stopping = false;
let wake: (() => void) | null = null;
const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      wake = null;
      resolve();
    }
    wake = done;
  });

parentPort!.on('message', (request: RuleWorkerRequest) => {
  if (request.kind === 'refresh') runner.refresh();
  if (request.kind === 'stop') stopping = true;
  wake?.();
});

/** Evaluates batches until stopped; after a failure waits a little longer each time, up to 30 s, and tries the same batch again. */
async function loop(): Promise<void> {
  let failures = 0;
  while (!stopping) {
    try {
      const result = await runner.step();
      failures = 0;
      if (result.positions > 0) reply({ kind: 'progress', cursor: result.cursor, positions: result.positions });
      else await sleep(data.pollIntervalMs);
    } catch (error) {
      failures++;
      logger.error({ err: error, failures, cursor: runner.cursor }, 'rules batch failed; retrying');
      reply({ kind: 'failed', message: (error as Error).message });
      await sleep(Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
    }
  }
  try {
    runner.flush();
  } catch (error) {
    logger.error({ err: error }, 'rules state not stored at stop; the next start evaluates the last positions again');
  }
  await db.destroy();
  reply({ kind: 'stopped' });
}

logger.info({ cursor: runner.cursor, detectors: detectors.map((d) => d.code) }, 'rules engine started');
reply({ kind: 'ready', cursor: runner.cursor });
await loop();
logger.info({ cursor: runner.cursor }, 'rules engine stopped');
