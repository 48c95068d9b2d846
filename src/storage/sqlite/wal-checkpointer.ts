// Copies the WAL back into the database file from a worker thread. SQLite's automatic checkpoint runs inside
// whichever commit takes the WAL past its threshold, on the event loop: on a store of millions of rows, that commit
// copied a thousand scattered pages and waited for two fsyncs, 25-60 ms and more on a busy disk (bench/README.md,
// bench:scale), which a rotation or a sweep batch then paid for. So the serving connection checkpoints nothing on its
// own: a worker with its own connection runs a PASSIVE checkpoint (it never waits for readers or writers) twenty times
// a second and reports how far it got.
// - Writes can outrun the copying: an expiry-sweep batch of 200 tokens writes some 600 scattered pages. `caughtUp()`
//   lets a bulk writer go one batch per report of the worker's, and only while it is close behind, so a backlog goes
//   at the pace the disk copies it and the WAL stays some MiB long.
// - The WAL starts over at a write that finds it wholly copied: after a pass of the worker's during which nothing was
//   written, which requests leave often enough unless they never pause. (Copying the rest on the event loop to force
//   it meant an fsync there: 75-130 ms stalls a second on a busy disk, the very thing this module is for.)
// If the worker dies, the serving connection checkpoints on its own again.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/** How often the worker checkpoints (and a bulk writer may write one batch). */
const CHECKPOINT_INTERVAL_MS = 50;
/** Bulk writers wait while the worker is further behind than this (8 MiB). */
const BEHIND_LIMIT_FRAMES = 2048;
/** SQLite's own threshold, restored if the worker stops unasked. */
const AUTOMATIC_CHECKPOINT_PAGES = 1000;

// CommonJS run by the worker (eval: no file to resolve under tsc's output or the tests' TypeScript).
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
const timer = setInterval(() => {
  const [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)');
  parentPort.postMessage({ log, checkpointed });
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** Resolves at the worker's next report that finds it no more than a few MiB behind the writes. */
  caughtUp(): Promise<void>;
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
    },
  });
  let stopping = false;
  let behind = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    for (const resolve of waiting.splice(0)) resolve();
    if (!stopping) worker.unref();
  };
  worker.on('message', ({ log, checkpointed }: { log: number; checkpointed: number }) => {
    // -1: the worker could not read the WAL this time (another checkpoint ran); its next pass reports.
    if (stopping || !db.open || log < 0) return;
    behind = log - checkpointed;
    if (behind <= BEHIND_LIMIT_FRAMES) release();
  });
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', () => {
      // Unasked (an error in the worker): the serving connection checkpoints on its own again.
      if (!stopping && db.open) {
        db.pragma(`wal_autocheckpoint = ${String(AUTOMATIC_CHECKPOINT_PAGES)}`);
      }
      behind = 0;
      release();
      resolve();
    });
  });
  // An error ends the worker; 'exit' follows and restores the automatic checkpoint.
  worker.on('error', () => undefined);
  // The worker's timer must not keep a process alive that has nothing else to do.
  worker.unref();
  return {
    caughtUp() {
      if (stopping) return Promise.resolve();
      // Held while someone waits for its report.
      worker.ref();
      return new Promise((resolve) => waiting.push(resolve));
    },
    async stop() {
      stopping = true;
      // Held again until it has closed its connection, so a process closing its store waits for that.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
