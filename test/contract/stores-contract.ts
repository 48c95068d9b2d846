// The storage contract: what every adapter guarantees, port by port, driven only through the ports (never SQL), so
// the same suites run against each adapter. A new port adds its own suite file and one line here. Every test opens
// its own fresh stores and depends on no other.
import { describe } from 'vitest';
import { contractHelpers, type OpenStores } from './fixtures.js';
import { describeMailOutboxContract } from './mail-outbox.contract.js';
import { describeMfaStoreContract } from './mfa-store.contract.js';
import { describeOneTimeTokenStoreContract } from './one-time-token-store.contract.js';
import { describeSessionStoreContract } from './session-store.contract.js';
import { describeUserStoreContract } from './user-store.contract.js';

export interface ContractOptions {
  /** Command sequences the model-based suites try: fewer where every call crosses the wire. */
  modelRuns?: number;
}

export function describeStoresContract(
  name: string,
  openStores: OpenStores,
  { modelRuns = 100 }: ContractOptions = {},
): void {
  const helpers = contractHelpers(openStores);
  describe(name, () => {
    describeUserStoreContract(helpers);
    describeSessionStoreContract(helpers, modelRuns);
    describeMailOutboxContract(helpers);
    describeOneTimeTokenStoreContract(helpers);
    describeMfaStoreContract(helpers);
  });
}
