// Worker thread that checkpoints the SQLite write-ahead log on its own connection, so that
// copying WAL pages into the database file does not stall the ingest thread.
import { parentPort, workerData } from 'node:worker_threads';
import SqliteDatabase from 'better-sqlite3';

const db = new SqliteDatabase(workerData.file);
db.pragma('busy_timeout = 1000');
db.pragma(`synchronous = ${workerData.synchronous}`);

const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort?.postMessage({ error: String(error) });
  }
}, workerData.intervalMs);

parentPort?.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } finally {
    db.close();
    parentPort?.close();
  }
});
