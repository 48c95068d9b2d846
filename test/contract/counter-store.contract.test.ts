// Runs the counter contract against the memory store. The Redis store runs the same contract in the system tier
// (test/limits/redis-counter-store.contract.test.ts), as it needs a redis-server.
import { createMemoryCounterStore } from '../../src/limits/counter-store.js';
import { describeCounterStoreContract } from './counter-store-contract.js';
import { describeLoginThrottleRaces } from './login-throttle-races.js';

describeCounterStoreContract('memory counter store', (clock) =>
  Promise.resolve(createMemoryCounterStore(clock)),
);

describeLoginThrottleRaces('memory counter store', (clock) =>
  Promise.resolve(createMemoryCounterStore(clock)),
);
