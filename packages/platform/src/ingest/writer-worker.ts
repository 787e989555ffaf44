// The ingest worker thread: commits report groups on its own SQLite connection, so that sealing,
// writing and syncing run beside the gateway's event loop instead of on it.
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';
import type { IngestSettings, EncryptionSettings } from '../config.ts';
import type { Store } from '../store/db.ts';
import { Keyring } from '../crypto/keyring.ts';
import type { MasterKey } from '../crypto/master-key.ts';
import { CommitEngine } from './commit-engine.ts';
import { unpackGroup } from './group-codec.ts';
import { WalSync } from './wal-sync.ts';
import type { WorkerReply, WorkerRequest } from './worker-protocol.ts';

interface WorkerData {
  file: string;
  synchronous: 'FULL' | 'NORMAL';
  master: MasterKey;
  encryption: EncryptionSettings;
  ingest: IngestSettings;
}

const data = workerData as WorkerData;
const sqlite = new SqliteDatabase(data.file);
sqlite.pragma('busy_timeout = 10000');
// Commits run at NORMAL; with FULL durability the WAL is then synced before the reply.
sqlite.pragma('synchronous = NORMAL');
sqlite.pragma('foreign_keys = ON');
// The store's checkpoint worker keeps the WAL short; checkpointing here would stall commits.
sqlite.pragma('wal_autocheckpoint = 20000');
const master: MasterKey = { ...data.master, wrapKey: Buffer.from(data.master.wrapKey), wrapMacKey: Buffer.from(data.master.wrapMacKey), dedupeKey: Buffer.from(data.master.dedupeKey) };
const keyring = Keyring.load({ sqlite } as Store, master, data.encryption);
const engine = new CommitEngine(sqlite, keyring, data.ingest);
const walSync = data.synchronous === 'FULL' && data.file !== ':memory:' ? new WalSync(data.file) : null;

function reply(message: WorkerReply): void {
  parentPort!.postMessage(message);
}

const updateLastSeen = sqlite.prepare('UPDATE terminals SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)');
const recordLastSeen = sqlite.transaction((times: [number, number][]) => {
  for (const [terminalId, at] of times) updateLastSeen.run(at, terminalId, at);
});

parentPort!.on('message', (request: WorkerRequest) => {
  if (request.kind === 'last-seen') {
    try {
      recordLastSeen(request.times);
    } catch (error) {
      reply({ kind: 'failed', id: 0, message: `last-seen times not recorded: ${(error as Error).message}` });
    }
    return;
  }
  if (request.kind === 'stop') {
    walSync?.close();
    sqlite.close();
    reply({ kind: 'stopped' });
    return;
  }
  const started = performance.now();
  const id = request.id;
  const failed = (error: unknown) => reply({ kind: 'failed', id, message: (error as Error).message, code: (error as { code?: string }).code });
  let results;
  try {
    results = engine.commit(unpackGroup(request.group));
  } catch (error) {
    failed(error);
    return;
  }
  const done = () => reply({ kind: 'committed', id, results, durationMs: performance.now() - started });
  if (!walSync) return done();
  walSync.sync().then(done, failed);
});

reply({ kind: 'ready' });
