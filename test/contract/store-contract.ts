// The storage contract: what every AuthStore adapter guarantees, driven only through the port (never SQL), so the
// same suite runs against each adapter. Every test opens its own fresh store and depends on no other.
import { describe } from 'vitest';
import { contractHelpers, type OpenStore } from './fixtures.js';
import { describeRotationContract } from './rotation.contract.js';
import { describeSessionContract } from './sessions.contract.js';
import { describeSweepContract } from './sweep.contract.js';
import { describeUserContract } from './users.contract.js';

export function describeStoreContract(name: string, openStore: OpenStore): void {
  const helpers = contractHelpers(openStore);
  describe(name, () => {
    describeUserContract(helpers);
    describeSessionContract(helpers);
    describeRotationContract(helpers);
    describeSweepContract(helpers);
  });
}
