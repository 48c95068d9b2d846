// The failover counter store over a fake shared store whose readiness and failures the test controls, and a memory
// local store: where each operation is answered, and what is logged when sharing is lost and regained.
import { describe, expect, it, onTestFinished } from 'vitest';
import { createMemoryCounterStore, type CounterStore } from '../../src/limits/counter-store.js';
import { createFailoverCounterStore } from '../../src/limits/failover-counter-store.js';
import type { RedisCounterStore } from '../../src/limits/redis-counter-store.js';
import { createLogger } from '../../src/observability/logger.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { LogCapture } from '../helpers/log-capture.js';

const MINUTE = 60_000;
const OUTAGE_WARNING = /^Redis unavailable: /;
const BACK_AGAIN = 'rate limits are shared through Redis again';

/** A shared store backed by memory, with readiness and failure switches and a count of calls that reached it. */
function fakeSharedStore(clock: FakeClock) {
  const inner = createMemoryCounterStore(clock);
  const state = { ready: true, failing: false, calls: 0, closed: false };
  const reach = <T>(operation: () => Promise<T>) => {
    state.calls += 1;
    return state.failing
      ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379'))
      : operation();
  };
  const store: RedisCounterStore = {
    isReady: () => state.ready,
    increment: (key, windowMs) => reach(() => inner.increment(key, windowMs)),
    get: (key) => reach(() => inner.get(key)),
    decrement: (key) => reach(() => inner.decrement(key)),
    reset: (key) => reach(() => inner.reset(key)),
    ping: () => reach(() => inner.ping()),
    close: async () => {
      state.closed = true;
      await inner.close();
    },
  };
  return { store, state };
}

function failoverStore() {
  const clock = new FakeClock();
  const shared = fakeSharedStore(clock);
  const localInner = createMemoryCounterStore(clock);
  let localClosed = false;
  const local: CounterStore = {
    ...localInner,
    close: async () => {
      localClosed = true;
      await localInner.close();
    },
  };
  const logs = new LogCapture();
  const store = createFailoverCounterStore(
    shared.store,
    local,
    createLogger({ level: 'debug', destination: logs.stream }),
  );
  onTestFinished(() => store.close());
  const said = (pattern: RegExp | string) =>
    logs.lines.filter((line) =>
      typeof pattern === 'string' ? line.msg === pattern : pattern.test(line.msg ?? ''),
    );
  return { store, shared, local, logs, said, isLocalClosed: () => localClosed };
}

/** Every operation once, on one key: what a request's limiter might do. */
async function everyOperation(store: CounterStore, key: string) {
  await store.increment(key, MINUTE);
  await store.decrement(key);
  await store.get(key);
  await store.reset(key);
}

describe('failover counter store', () => {
  it('when the shared store is ready and answers, then results come from it and the local store is untouched', async () => {
    const { store, shared, local, logs } = failoverStore();

    await store.increment('ip:1', MINUTE);
    const counted = await store.increment('ip:1', MINUTE);
    await store.decrement('ip:1');

    expect(counted.count).toBe(2);
    expect(await store.get('ip:1')).toEqual({ count: 1, resetAt: counted.resetAt });
    expect(await shared.store.get('ip:1')).toEqual({ count: 1, resetAt: counted.resetAt });
    expect(await local.get('ip:1')).toBeUndefined();
    expect(logs.lines).toEqual([]);
  });

  it('when the shared store is not ready, then every operation goes to the local store without calling it', async () => {
    const { store, shared, local } = failoverStore();
    shared.state.ready = false;

    await store.increment('ip:1', MINUTE);
    const counted = await store.increment('ip:1', MINUTE);
    expect(await store.get('ip:1')).toEqual(counted);
    await store.decrement('ip:1');
    expect(await local.get('ip:1')).toEqual({ count: 1, resetAt: counted.resetAt });
    await store.reset('ip:1');

    expect(counted.count).toBe(2);
    expect(await local.get('ip:1')).toBeUndefined();
    expect(shared.state.calls).toBe(0);
  });

  it('when the shared store throws, then the operation is answered from the local store', async () => {
    const { store, shared, local } = failoverStore();
    await shared.store.increment('ip:1', MINUTE);
    await shared.store.increment('ip:1', MINUTE);
    shared.state.failing = true;

    const counted = await store.increment('ip:1', MINUTE);

    expect(counted.count).toBe(1);
    expect(await store.get('ip:1')).toEqual(counted);
    expect(await local.get('ip:1')).toEqual(counted);
    expect(shared.state.calls).toBeGreaterThan(0);
  });

  it('when many operations fail during one outage, then the outage warning is logged once', async () => {
    const { store, shared, said } = failoverStore();
    shared.state.failing = true;
    await everyOperation(store, 'ip:1');
    shared.state.ready = false;
    await everyOperation(store, 'ip:2');

    const warnings = said(OUTAGE_WARNING);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe('warn');
  });

  it('when the shared store answers again after an outage, then counting returns to it and that is logged once', async () => {
    const { store, shared, local, said } = failoverStore();
    await store.increment('ip:1', MINUTE);
    shared.state.ready = false;
    await store.increment('ip:1', MINUTE);
    await store.increment('ip:1', MINUTE);

    shared.state.ready = true;
    const counted = await store.increment('ip:1', MINUTE);
    await everyOperation(store, 'ip:2');

    expect(counted.count).toBe(2);
    expect(await shared.store.get('ip:1')).toEqual(counted);
    expect((await local.get('ip:1'))?.count).toBe(2);
    expect(said(BACK_AGAIN)).toHaveLength(1);
    expect(said(BACK_AGAIN)[0]?.level).toBe('info');
    expect(said(OUTAGE_WARNING)).toHaveLength(1);
  });

  it('when a second outage follows a recovery, then it is warned about again', async () => {
    const { store, shared, said } = failoverStore();
    shared.state.failing = true;
    await everyOperation(store, 'ip:1');
    shared.state.failing = false;
    await everyOperation(store, 'ip:1');
    shared.state.failing = true;
    await everyOperation(store, 'ip:1');

    expect(said(OUTAGE_WARNING)).toHaveLength(2);
    expect(said(BACK_AGAIN)).toHaveLength(1);
  });

  it('when the failover store is closed, then both stores are closed', async () => {
    const { store, shared, isLocalClosed } = failoverStore();

    await store.close();

    expect(shared.state.closed).toBe(true);
    expect(isLocalClosed()).toBe(true);
  });
});

describe('failover counter store readiness', () => {
  it('when Redis answers, then ping resolves; when it does not, then ping rejects though counting goes on in memory', async () => {
    const { store, shared } = failoverStore();
    await expect(store.ping()).resolves.toBeUndefined();

    shared.state.failing = true;

    await expect(store.ping()).rejects.toThrow();
    await expect(store.increment('k', 1000)).resolves.toMatchObject({ count: 1 });
  });
});
