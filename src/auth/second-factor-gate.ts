// Where sign-in asks for a second step: a feature above auth (mfa/) answers for the accounts that have a second
// factor, and auth hands out no tokens to them after the password alone. Auth knows only this hook.
import type { z } from 'zod';
import type { UserRecord } from '../storage/ports/user-store.js';
import type { mfaChallengeSchema } from './auth-responses.js';
import type { ClientContext } from './client-context.js';

/** What a login answers instead of tokens when a second step is needed; described by its response schema. */
export type MfaChallenge = z.output<typeof mfaChallengeSchema>;

export interface SecondFactorGate {
  /**
   * Called once the password (and everything else a login checks) was right. Undefined when the account signs in
   * with its password alone; otherwise the challenge its login answers with. May throw (MFA_LOCKED).
   */
  challenge(
    user: UserRecord,
    deviceId: string | undefined,
    client: ClientContext,
  ): Promise<MfaChallenge | undefined>;
}
