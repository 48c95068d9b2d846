// The steps of `npm run keys` (DESIGN section 10) as plain functions over the key directory and a given `now`, so
// tests run them with a fake time. Each returns what happened; the command turns that into words and an exit code.
// The time guards live in key-schedule.ts; `force` skips them (incidents) and the audit line says it was forced.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AuditLog } from '../observability/audit-log.js';
import { promoteAllowedAt, retireAllowedAt, type RotationTimes } from './key-schedule.js';
import {
  keyFileName,
  newKeyFile,
  readKeyFile,
  writeKeyFile,
  type KeyState,
  type SigningKey,
  type SigningKeyFile,
} from './signing-key-file.js';

export interface StepContext {
  dir: string;
  now: Date;
  times: RotationTimes;
  audit: AuditLog;
}

export type StepRefusal =
  | { outcome: 'too_early'; kid: string; allowedAt: Date }
  | { outcome: 'unknown_kid'; kid: string }
  | { outcome: 'wrong_state'; kid: string; state: KeyState; needs: KeyState }
  | { outcome: 'no_next_key' }
  | { outcome: 'several_next_keys'; kids: string[] };

export type PromoteOutcome =
  | { outcome: 'promoted'; kid: string; retiringKid: string | undefined; forced: boolean }
  | StepRefusal;

export type RetireOutcome = { outcome: 'retired'; kid: string; forced: boolean } | StepRefusal;

/**
 * Every key in the directory (none when it does not exist yet), each checked as the server checks it, but without
 * the server's exactly-one-active rule: the steps must see, and finish, a directory an interrupted step left.
 */
export function listKeys(dir: string): SigningKey[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => readKeyFile(join(dir, name)));
}

/** A new key in state `next`: published from now on, signing nothing until promoted. */
export function createKey(context: StepContext): { outcome: 'created'; kid: string } {
  const file = newKeyFile(context.now);
  mkdirSync(context.dir, { recursive: true, mode: 0o700 });
  writeKeyFile(context.dir, file);
  context.audit.record('jwks.key.created', {
    kid: file.kid,
    from: null,
    to: 'next',
    forced: false,
  });
  return { outcome: 'created', kid: file.kid };
}

/**
 * The next key (the one named, or the only one) signs from now on and the active key retires. The lead-time guard
 * applies once any key has signed: with none active or retiring, no verifier holds an older set to outwait.
 *
 * Write order: the old active key is written as retiring first, then the next key as active. Between the two
 * renames the directory has no active key, which the server's reader refuses, so it keeps its previous ring (still
 * signing with the old key) for those microseconds; the other order would leave two active keys, equally refused.
 * This order is the one an interrupted run recovers from by itself: running `promote` again finds no active key, a
 * retiring one and the next one already past its lead time, and finishes the step.
 */
export function promoteKey(context: StepContext, kid?: string, force = false): PromoteOutcome {
  const keys = listKeys(context.dir);
  const chosen = chooseNextKey(keys, kid);
  if ('outcome' in chosen) return chosen;
  const active = keys.find((key) => key.state === 'active');
  const hasSigned = keys.some((key) => key.state !== 'next');
  const allowedAt = promoteAllowedAt(chosen, context.times);
  if (hasSigned && !force && context.now < allowedAt) {
    return { outcome: 'too_early', kid: chosen.kid, allowedAt };
  }
  const now = context.now.toISOString();
  if (active) writeKeyFile(context.dir, fileOf(active, { state: 'retiring', retiredAt: now }));
  writeKeyFile(context.dir, fileOf(chosen, { state: 'active', activatedAt: now }));
  context.audit.record('jwks.key.promoted', {
    kid: chosen.kid,
    from: 'next',
    to: 'active',
    retiringKid: active?.kid ?? null,
    forced: force,
  });
  return { outcome: 'promoted', kid: chosen.kid, retiringKid: active?.kid, forced: force };
}

/** Deletes a retiring key once the last token it signed has expired. The active key is never retired. */
export function retireKey(context: StepContext, kid: string, force = false): RetireOutcome {
  const key = listKeys(context.dir).find((candidate) => candidate.kid === kid);
  if (!key) return { outcome: 'unknown_kid', kid };
  if (key.state !== 'retiring') {
    return { outcome: 'wrong_state', kid, state: key.state, needs: 'retiring' };
  }
  const allowedAt = retireAllowedAt(key, context.times);
  if (!force && context.now < allowedAt) return { outcome: 'too_early', kid, allowedAt };
  rmSync(join(context.dir, keyFileName(kid)));
  context.audit.record('jwks.key.retired', { kid, from: 'retiring', to: null, forced: force });
  return { outcome: 'retired', kid, forced: force };
}

function chooseNextKey(keys: SigningKey[], kid: string | undefined): SigningKey | StepRefusal {
  if (kid !== undefined) {
    const key = keys.find((candidate) => candidate.kid === kid);
    if (!key) return { outcome: 'unknown_kid', kid };
    if (key.state !== 'next')
      return { outcome: 'wrong_state', kid, state: key.state, needs: 'next' };
    return key;
  }
  const next = keys.filter((key) => key.state === 'next');
  const [only] = next;
  if (only === undefined) return { outcome: 'no_next_key' };
  if (next.length > 1) return { outcome: 'several_next_keys', kids: next.map((key) => key.kid) };
  return only;
}

/** The key's file with its state changed; the private members come from the key as read. */
function fileOf(
  key: SigningKey,
  change: Pick<SigningKeyFile, 'state'> & Partial<SigningKeyFile>,
): SigningKeyFile {
  const { d } = key.privateKey.export({ format: 'jwk' });
  const { kty, crv, x, y } = key.publicJwk;
  return {
    kid: key.kid,
    createdAt: key.createdAt.toISOString(),
    activatedAt: key.activatedAt?.toISOString() ?? null,
    retiredAt: key.retiredAt?.toISOString() ?? null,
    jwk: { kty, crv, x, y, d: d ?? '' },
    ...change,
  };
}
