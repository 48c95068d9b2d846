// Group commit: calls of one write made during one turn of the event loop run together in a single transaction.
// Each commit costs a fixed set of system calls (locks, and two writes per changed page to the WAL), and calls of a
// turn share pages (the table's last page, the expiry index's last page, the sessions page), so under load a batch
// writes far less than its calls would one by one (bench/README.md). Each call still runs in its own savepoint and
// gets its own result or error; every caller is answered only after the commit that holds its write.
import type { Database } from 'better-sqlite3';

export interface TurnBatch<Args extends unknown[], Result> {
  /** Queues one call; it runs, with the others of this turn, once the turn's I/O callbacks are done. */
  run(...args: Args): Promise<Result>;
  /** Runs what is queued now (before the database is closed). */
  flush(): void;
}

interface Queued<Args, Result> {
  args: Args;
  resolve(result: Result): void;
  reject(error: unknown): void;
  outcome?: { ok: true; result: Result } | { ok: false; error: unknown };
}

export function batchPerTurn<Args extends unknown[], Result>(
  db: Database,
  step: (...args: Args) => Result,
): TurnBatch<Args, Result> {
  // Run inside the batch's transaction, a transaction function becomes a savepoint: a call that throws is rolled
  // back alone.
  const stepInSavepoint = db.transaction(step);
  const runAll = db.transaction((calls: Array<Queued<Args, Result>>) => {
    for (const call of calls) {
      try {
        call.outcome = { ok: true, result: stepInSavepoint(...call.args) };
      } catch (error) {
        call.outcome = { ok: false, error };
      }
    }
  });
  let queue: Array<Queued<Args, Result>> = [];

  function flush(): void {
    const calls = queue;
    queue = [];
    if (calls.length === 0) return;
    try {
      // IMMEDIATE takes the write lock first, so instances sharing the file serialize here too.
      runAll.immediate(calls);
    } catch (error) {
      // The batch did not commit (no lock within the busy timeout, a failed write): no call's write happened.
      for (const call of calls) call.reject(error);
      return;
    }
    for (const call of calls) {
      const { outcome } = call;
      if (outcome?.ok) call.resolve(outcome.result);
      else call.reject(outcome ? outcome.error : new Error('a batched call did not run'));
    }
  }

  return {
    run(...args) {
      return new Promise<Result>((resolve, reject) => {
        if (queue.length === 0) setImmediate(flush);
        queue.push({ args, resolve, reject });
      });
    },
    flush,
  };
}
