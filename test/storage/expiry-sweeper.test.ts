// The expiry sweeper against a fake store: batches until one comes back short, bounded by the batch size,
// stamped with the clock's time, and stopped for good by stop().
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createLogger, type Logger } from '../../src/observability/logger.js';
import type { MfaSweepResult } from '../../src/storage/ports/mfa-store.js';
import type { SweepResult } from '../../src/storage/ports/session-store.js';
import {
  startExpirySweeper,
  type ExpirySweeper,
  type ExpirySweepResult,
} from '../../src/storage/expiry-sweeper.js';
import { LogCapture } from '../helpers/log-capture.js';

const FIXED_MS = Date.parse('2030-01-01T00:00:00.000Z');
const clock = { now: () => FIXED_MS };
const silentLogger = createLogger({ level: 'silent', destination: new LogCapture().stream });

interface SweepCall {
  now: Date;
  limit: number;
}

/** A store that answers sweepExpired with `batches` in turn (then empty batches), recording each call. */
function fakeStore(batches: (SweepResult | Error)[]) {
  const calls: SweepCall[] = [];
  const store = {
    sweepExpired(now: Date, limit: number): Promise<SweepResult> {
      calls.push({ now, limit });
      const next = batches[calls.length - 1] ?? { refreshTokens: 0, sessions: 0 };
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    },
  };
  return { store, calls };
}

/** A one-time token store that answers its sweep with `batches` in turn (then 0), recording each call. */
function fakeTokenStore(batches: number[] = []) {
  const calls: SweepCall[] = [];
  const store = {
    sweepExpiredOneTimeTokens(now: Date, limit: number): Promise<number> {
      calls.push({ now, limit });
      return Promise.resolve(batches[calls.length - 1] ?? 0);
    },
  };
  return { store, calls };
}

/** An outbox that answers its sweep of finished mail with `batches` in turn (then 0), recording each call. */
function fakeOutbox(batches: number[] = []) {
  const calls: Array<{ before: Date; limit: number }> = [];
  const store = {
    sweepFinishedMails(before: Date, limit: number): Promise<number> {
      calls.push({ before, limit });
      return Promise.resolve(batches[calls.length - 1] ?? 0);
    },
  };
  return { store, calls };
}

/** An MFA store that answers its sweep with `batches` in turn (then nothing), recording each call. */
function fakeMfaStore(batches: MfaSweepResult[] = []) {
  const calls: SweepCall[] = [];
  const store = {
    sweepExpiredMfa(now: Date, limit: number): Promise<MfaSweepResult> {
      calls.push({ now, limit });
      return Promise.resolve(
        batches[calls.length - 1] ?? { challenges: 0, pendingFactors: 0, recoveryCodes: 0 },
      );
    },
  };
  return { store, calls };
}

/** What a sweep removed: `counts` and nothing else. */
const removedOnly = (counts: Partial<ExpirySweepResult>): ExpirySweepResult => ({
  refreshTokens: 0,
  sessions: 0,
  oneTimeTokens: 0,
  finishedMails: 0,
  mfaChallenges: 0,
  mfaPendingFactors: 0,
  mfaRecoveryCodes: 0,
  ...counts,
});

function start(
  store: ReturnType<typeof fakeStore>['store'],
  options: {
    batchSize?: number;
    intervalMs?: number;
    logger?: Logger;
    oneTimeTokens?: ReturnType<typeof fakeTokenStore>['store'];
    mailOutbox?: ReturnType<typeof fakeOutbox>['store'];
    mfa?: ReturnType<typeof fakeMfaStore>['store'];
  } = {},
): ExpirySweeper {
  const sweeper = startExpirySweeper({
    sessions: store,
    oneTimeTokens: fakeTokenStore().store,
    mailOutbox: fakeOutbox().store,
    mfa: fakeMfaStore().store,
    clock,
    logger: silentLogger,
    ...options,
  });
  onTestFinished(() => sweeper.stop());
  return sweeper;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('expiry sweeper', () => {
  it('when batches come back full, then sweep keeps calling until one is short and sums the removed rows', async () => {
    const { store, calls } = fakeStore([
      { refreshTokens: 3, sessions: 1 },
      { refreshTokens: 3, sessions: 3 },
      { refreshTokens: 3, sessions: 0 },
      { refreshTokens: 2, sessions: 1 },
      { refreshTokens: 3, sessions: 3 },
    ]);
    const removed = await start(store, { batchSize: 3 }).sweep();
    expect(calls).toHaveLength(4);
    expect(removed).toEqual(removedOnly({ refreshTokens: 11, sessions: 5 }));
  });

  it('when only the sessions batch comes back full, then sweep takes another batch', async () => {
    const { store, calls } = fakeStore([
      { refreshTokens: 0, sessions: 3 },
      { refreshTokens: 1, sessions: 2 },
    ]);
    const removed = await start(store, { batchSize: 3 }).sweep();
    expect(calls).toHaveLength(2);
    expect(removed).toEqual(removedOnly({ refreshTokens: 1, sessions: 5 }));
  });

  it('when the first batch is short, then sweep calls the store once', async () => {
    const { store, calls } = fakeStore([{ refreshTokens: 2, sessions: 0 }]);
    expect(await start(store, { batchSize: 3 }).sweep()).toEqual(removedOnly({ refreshTokens: 2 }));
    expect(calls).toHaveLength(1);
  });

  it('when one-time token batches come back full, then sweep takes more of them only, until one is short', async () => {
    const { store, calls } = fakeStore([{ refreshTokens: 1, sessions: 0 }]);
    const tokens = fakeTokenStore([3, 3, 2, 3]);
    const removed = await start(store, { batchSize: 3, oneTimeTokens: tokens.store }).sweep();
    expect(tokens.calls).toHaveLength(3);
    expect(calls).toHaveLength(1);
    expect(removed).toEqual(removedOnly({ refreshTokens: 1, oneTimeTokens: 8 }));
  });

  it("when one-time tokens are swept, then each batch is limited to the batch size and stamped with the clock's time", async () => {
    const tokens = fakeTokenStore([5, 0]);
    await start(fakeStore([]).store, { batchSize: 5, oneTimeTokens: tokens.store }).sweep();
    expect(tokens.calls).toEqual([
      { now: new Date(FIXED_MS), limit: 5 },
      { now: new Date(FIXED_MS), limit: 5 },
    ]);
  });

  it('when any MFA count comes back full, then sweep takes another MFA batch, each bounded and stamped with the clock', async () => {
    const mfa = fakeMfaStore([
      { challenges: 3, pendingFactors: 0, recoveryCodes: 0 },
      { challenges: 1, pendingFactors: 3, recoveryCodes: 0 },
      { challenges: 0, pendingFactors: 0, recoveryCodes: 3 },
      { challenges: 2, pendingFactors: 1, recoveryCodes: 1 },
      { challenges: 3, pendingFactors: 3, recoveryCodes: 3 },
    ]);

    const removed = await start(fakeStore([]).store, { batchSize: 3, mfa: mfa.store }).sweep();

    expect(mfa.calls).toEqual(
      Array.from({ length: 4 }, () => ({ now: new Date(FIXED_MS), limit: 3 })),
    );
    expect(removed).toEqual(
      removedOnly({ mfaChallenges: 6, mfaPendingFactors: 4, mfaRecoveryCodes: 4 }),
    );
  });

  it('when finished mail is swept, then what finished over a week ago goes, in batches until one is short', async () => {
    const outbox = fakeOutbox([2, 2, 1]);

    const removed = await start(fakeStore([]).store, {
      batchSize: 2,
      mailOutbox: outbox.store,
    }).sweep();

    expect(removed.finishedMails).toBe(5);
    expect(outbox.calls).toHaveLength(3);
    for (const call of outbox.calls) {
      expect(call).toEqual({ before: new Date(FIXED_MS - 7 * 24 * 3600 * 1000), limit: 2 });
    }
  });

  it("when sweeping, then every batch is limited to the batch size and stamped with the clock's time", async () => {
    const { store, calls } = fakeStore([
      { refreshTokens: 5, sessions: 5 },
      { refreshTokens: 0, sessions: 0 },
    ]);
    await start(store, { batchSize: 5 }).sweep();
    expect(calls.map((call) => call.limit)).toEqual([5, 5]);
    expect(calls.map((call) => call.now.getTime())).toEqual([FIXED_MS, FIXED_MS]);
  });

  it('when no batch size is given, then batches are limited to 200 rows', async () => {
    const { store, calls } = fakeStore([{ refreshTokens: 199, sessions: 0 }]);
    await start(store).sweep();
    expect(calls).toEqual([{ now: new Date(FIXED_MS), limit: 200 }]);
  });

  it('when the interval passes, then the sweeper sweeps on its own', async () => {
    vi.useFakeTimers();
    const { store, calls } = fakeStore([]);
    start(store, { intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(calls).toHaveLength(3);
  });

  it('when the sweeper is stopped, then no further sweep runs', async () => {
    vi.useFakeTimers();
    const { store, calls } = fakeStore([]);
    const sweeper = start(store, { intervalMs: 1000 });
    await vi.advanceTimersByTimeAsync(1000);
    await sweeper.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(calls).toHaveLength(1);
  });

  it('when stopped while a sweep is under way, then no batch runs after the one in progress', async () => {
    const full = { refreshTokens: 10, sessions: 10 };
    const { store, calls } = fakeStore(Array.from({ length: 1000 }, () => full));
    const sweeper = start(store, { batchSize: 10 });
    const sweeping = sweeper.sweep();
    await Promise.resolve();

    await sweeper.stop();
    const callsAtStop = calls.length;
    const removed = await sweeping;

    expect(calls.length).toBe(callsAtStop);
    expect(callsAtStop).toBeLessThan(1000);
    expect(removed.refreshTokens).toBe(10 * callsAtStop);
  });

  it('when a timed sweep fails, then the failure is logged and the next interval sweeps again', async () => {
    vi.useFakeTimers();
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', destination: logs.stream });
    const { store, calls } = fakeStore([
      new Error('disk I/O error'),
      { refreshTokens: 4, sessions: 1 },
    ]);
    start(store, { intervalMs: 1000, batchSize: 10, logger });
    await vi.advanceTimersByTimeAsync(2000);
    expect(calls).toHaveLength(2);
    expect(logs.lines.map((line) => [line.level, line.msg])).toEqual([
      ['error', 'expiry sweep failed'],
      ['info', 'expired records swept'],
    ]);
  });
});
