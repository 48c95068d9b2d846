// A model-based test of refresh-token families (issue 20 item 5), part of the sessions port's contract: fast-check
// draws sequences of logins, refreshes, replays of older tokens, strangers' tokens, logouts, logout-all, password
// changes, waits inside and past the reuse grace, and races of several refreshes with or without a logout, runs them
// on the adapter and on the reference model (refresh-family-model.ts), and after every command reads the store back:
// no family ever forks, no revoked session is ever live again or rotates, a graced replay gets only the stored
// successor and never past the cap, and every answer is one the model allows. The clock is the model's: every call is
// made at an explicit `now`.
//
// A failure prints the shrunk commands with fast-check's seed, path and replayPath: pass { seed, path } to fc.assert
// and { replayPath } to fc.commands below to run exactly that case again. Over the wire the server's timing also
// takes part in a race, so a race found there may take a few runs to recur.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { ReuseGrace } from '../../src/storage/ports/session-store.js';
import type { ContractHelpers } from './fixtures.js';
import { familyCommands } from './refresh-family-commands.js';
import { initialModel } from './refresh-family-model.js';

const MAX_COMMANDS = 40;
const TIME_BUDGET_MS = 90_000;

/** The grace the service runs with in the tests, and strict rotation, with the share of the runs each gets. */
const GRACES: Array<[string, ReuseGrace, number]> = [
  ['a grace of 10 s and 3 replays', { windowMs: 10_000, maxReplays: 3 }, 1],
  ['strict rotation', { windowMs: 0, maxReplays: 0 }, 0.25],
];

/** `runs`: how many command sequences to try with the grace; fewer where every call crosses the wire. */
export function describeRefreshFamilyModel(
  { freshStores, createdUser }: ContractHelpers,
  runs: number,
): void {
  describe('refresh-token families against a model (fast-check)', () => {
    it.each(GRACES)(
      'when logins, refreshes, replays, logouts, waits and races come in any order (%s), then every answer is the model’s, no family forks and no revoked session comes back',
      async (_, grace, share) => {
        const stores = await freshStores();
        const sequences = fc.commands(familyCommands(), { maxCommands: MAX_COMMANDS, size: 'max' });
        await fc.assert(
          fc.asyncProperty(sequences, async (commands) => {
            // Each run has users of its own in the one store, so runs cannot see each other's sessions.
            const users = [await createdUser(stores), await createdUser(stores)];
            const model = initialModel(
              grace,
              users.map((user) => user.id),
            );
            await fc.asyncModelRun(() => ({ model, real: stores }), commands);
          }),
          // Over the wire a failure's shrinking can outlast the test: it reports what it has by then.
          {
            numRuns: Math.ceil(runs * share),
            plugins: [fc.interruptAfterTimeLimit(TIME_BUDGET_MS)],
          },
        );
      },
      120_000,
    );
  });
}
