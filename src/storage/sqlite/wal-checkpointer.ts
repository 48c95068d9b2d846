// Copies the WAL back into the database file from a worker thread. SQLite's automatic checkpoint runs inside
// whichever commit takes the WAL past its threshold, on the event loop: on a store of millions of rows, that commit
// copied a thousand scattered pages and waited for two fsyncs, 25-60 ms and more on a busy disk (bench/README.md,
// bench:scale), which a rotation or a sweep batch then paid for. So the serving connection checkpoints nothing: a
// worker with its own connection runs a PASSIVE checkpoint (it never waits for readers or writers) a few times a
// second. A WAL that writers keep busy is never wholly copied at a moment when none writes, so it would never start
// over: past a size, the worker asks for a RESTART, which waits for the writers of the moment and copies what the
// passive ones left, a few pages. If the worker dies, the serving connection checkpoints for itself again.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/** How often the worker checkpoints. */
const CHECKPOINT_INTERVAL_MS = 200;
/** Past this many WAL frames (pages; 64 MiB of 4 KiB pages) left after a passive checkpoint, the worker restarts it. */
const RESTART_AFTER_FRAMES = 16_384;
/** SQLite's own threshold, restored if the worker stops unasked. */
const AUTOMATIC_CHECKPOINT_PAGES = 1000;
/** How long the worker's RESTART waits for a writer of the moment (the serving connection's commit). */
const WORKER_BUSY_TIMEOUT_MS = 5000;

// CommonJS run by the worker (eval: no file to resolve under tsc's output or the tests' TypeScript).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = ' + workerData.busyTimeoutMs);
const checkpoint = (mode) => db.pragma('wal_checkpoint(' + mode + ')')[0];
const timer = setInterval(() => {
  if (checkpoint('PASSIVE').log > workerData.restartAfterFrames) checkpoint('RESTART');
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** Stops the worker and closes its connection; the serving connection's own close does the last checkpoint. */
  stop(): Promise<void>;
}

/** Turns off `db`'s automatic checkpoint and starts the worker on the file at `path` (a WAL-mode file). */
export function startWalCheckpointer(db: Database, path: string): WalCheckpointer {
  db.pragma('wal_autocheckpoint = 0');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path,
      intervalMs: CHECKPOINT_INTERVAL_MS,
      restartAfterFrames: RESTART_AFTER_FRAMES,
      busyTimeoutMs: WORKER_BUSY_TIMEOUT_MS,
    },
  });
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      // Unasked (an error in the worker): the serving connection checkpoints on its own again.
      if (!stopping && db.open)
        db.pragma(`wal_autocheckpoint = ${String(AUTOMATIC_CHECKPOINT_PAGES)}`);
      resolve();
    });
  });
  // An error ends the worker; 'exit' follows and restores the automatic checkpoint.
  worker.on('error', () => undefined);
  // The worker's timer must not keep a process alive that has nothing else to do.
  worker.unref();
  return {
    async stop() {
      stopping = true;
      // Held again until it has closed its connection, so a process closing its store waits for that.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
