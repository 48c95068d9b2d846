// The words and exit codes of `npm run keys` for each step's outcome: a refusal names what it waits for and the
// moment it will be allowed, so the operator need not work it out from JWKS_LEAD_TIME or JWT_ACCESS_TTL.
import { nextStepOf, type RotationTimes } from './key-schedule.js';
import type { PromoteOutcome, RetireOutcome, StepRefusal } from './key-steps.js';
import type { SigningKey } from './signing-key-file.js';

export interface StepReport {
  text: string;
  exitCode: 0 | 1;
}

const FORCED =
  '*** --force: the time guard was skipped. Verifiers may reject tokens until their caches or tokens expire. ***';

export function reportPromote(outcome: PromoteOutcome): StepReport {
  if (outcome.outcome !== 'promoted') return refusal(outcome, 'promote');
  const retiring = outcome.retiringKid === undefined ? '' : `; ${outcome.retiringKid} is retiring`;
  const lines = [`${outcome.kid} is active${retiring}.`];
  return { text: withForce(lines, outcome.forced), exitCode: 0 };
}

export function reportRetire(outcome: RetireOutcome): StepReport {
  if (outcome.outcome !== 'retired') return refusal(outcome, 'retire');
  return {
    text: withForce([`${outcome.kid} is retired (its file is deleted).`], outcome.forced),
    exitCode: 0,
  };
}

/** One line per key: kid, state, dates, and what may be done with it next and from when. */
export function reportList(
  keys: readonly SigningKey[],
  times: RotationTimes,
  now: Date,
): StepReport {
  if (keys.length === 0)
    return { text: 'No keys. Create one: npm run keys -- create', exitCode: 0 };
  const lines = keys.map((key) => {
    const dates = [
      `created ${key.createdAt.toISOString()}`,
      key.activatedAt && `activated ${key.activatedAt.toISOString()}`,
      key.retiredAt && `retired ${key.retiredAt.toISOString()}`,
    ].filter(Boolean);
    const next = nextStepOf(key, times);
    const step =
      next.step === 'none'
        ? next.why
        : `${next.step} ${next.allowedAt <= now ? 'allowed now' : `from ${next.allowedAt.toISOString()}`}`;
    return `${key.kid}  ${key.state.padEnd(8)}  ${dates.join(', ')}  -> ${step}`;
  });
  return { text: lines.join('\n'), exitCode: 0 };
}

function refusal(outcome: StepRefusal, step: 'promote' | 'retire'): StepReport {
  return { text: `Refused: ${reasonOf(outcome, step)}`, exitCode: 1 };
}

function reasonOf(outcome: StepRefusal, step: 'promote' | 'retire'): string {
  switch (outcome.outcome) {
    case 'too_early':
      return step === 'promote'
        ? `${outcome.kid} has not been published for JWKS_LEAD_TIME yet, so caches of the old key set may not know it; promote is allowed from ${outcome.allowedAt.toISOString()} (--force skips this).`
        : `tokens signed by ${outcome.kid} may still be valid (JWT_ACCESS_TTL + 60 s after it stopped signing); retire is allowed from ${outcome.allowedAt.toISOString()} (--force skips this).`;
    case 'unknown_kid':
      return `no key ${outcome.kid} (npm run keys -- list).`;
    case 'wrong_state':
      return outcome.state === 'active'
        ? `${outcome.kid} is the active key; promote a next key first, which makes it retiring.`
        : `${outcome.kid} is ${outcome.state}; ${step} needs a ${outcome.needs} key.`;
    case 'no_next_key':
      return 'there is no next key; create one first (npm run keys -- create).';
    case 'several_next_keys':
      return `there are several next keys; name one: ${outcome.kids.join(', ')}.`;
  }
}

function withForce(lines: string[], forced: boolean): string {
  return (forced ? [FORCED, ...lines] : lines).join('\n');
}
