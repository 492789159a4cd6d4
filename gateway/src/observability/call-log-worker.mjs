// Writes call-log batches to SQLite on a thread of its own, with its own connection (WAL allows it), so
// neither the inserts nor the WAL checkpoints they trigger ever block the event loop that serves calls.
// Plain JavaScript on purpose: it loads the same way from src/ (tests, tsx) and from dist/ (images).
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const db = new Database(workerData.file);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 5000');
db.pragma('synchronous = NORMAL');

let insertAll = null;

function prepare() {
  // The statement comes from call-log-queue.ts (insertCallLogSql), so the columns are defined in one place;
  // each row arrives as the array of its values in that statement's order.
  const insert = db.prepare(workerData.sql);
  return db.transaction((rows) => {
    for (const row of rows) insert.run(row);
  });
}

parentPort.on('message', ({ id, rows }) => {
  try {
    insertAll ??= prepare();
    insertAll(rows);
    parentPort.postMessage({ id, ok: true });
  } catch (err) {
    insertAll = null; // prepared against a schema that may have changed: prepare again next time
    parentPort.postMessage({ id, ok: false, message: err instanceof Error ? err.message : String(err) });
  }
});
