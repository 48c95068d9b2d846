// Refuses new passwords that are common or guessable from the account itself, with zxcvbn-ts (a maintained
// estimator with lists of common passwords, names and keyboard patterns).
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';

/** zxcvbn scores 0 and 1 (fewer than a million guesses): common passwords and light variations of them. */
const WEAKEST_ACCEPTED_SCORE = 2;
/**
 * The estimate looks at this many characters (code points) of a password, no more: zxcvbn's cost grows steeply with
 * length (its l33t matcher tries up to 100 unmunged variants, each against every dictionary), and one registration
 * must not hold the event loop for long (DESIGN §7; the figures are in bench/README.md). A longer password is judged
 * by its first 20 characters, which alone must not be guessable.
 */
export const ESTIMATED_PREFIX_CHARACTERS = 20;
/** A local part this short ("a@…") is too likely to appear by chance to refuse on. */
const SHORTEST_CHECKED_LOCAL_PART = 3;

let factory: ZxcvbnFactory | undefined;

// Built on first use: loading the dictionaries takes a while (bench/README.md), and the many apps tests build never
// need them. The server builds them before it listens (prepareGuessabilityEstimator), off any request's path.
function zxcvbn(): ZxcvbnFactory {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary },
    graphs: common.adjacencyGraphs,
  });
  return factory;
}

/** zxcvbn-ts behind one method, so tests can see what it is asked to estimate. */
export const guessabilityEstimator = {
  /** zxcvbn's score, 0 (a common password) to 4 (over 10^10 guesses). */
  score(password: string, userInputs: string[]): number {
    return zxcvbn().check(password, userInputs).score;
  },
};

/** Loads the dictionaries and runs one estimate, so the first registration pays for neither. */
export function prepareGuessabilityEstimator(): void {
  zxcvbn().check('Warm-up-estimate-1!', ['warm-up@example.com']);
}

/** What makes this password guessable for this account; empty when it is not. */
export function passwordGuessabilityProblems(
  password: string,
  account: { email: string; name: string },
): string[] {
  const problems: string[] = [];
  const localPart = account.email.slice(0, account.email.lastIndexOf('@'));
  if (
    localPart.length >= SHORTEST_CHECKED_LOCAL_PART &&
    password.toLowerCase().includes(localPart.toLowerCase())
  ) {
    problems.push('Password must not contain the part of the email address before the @.');
  }
  // The name whole, word by word and run together, since passwords are built all three ways.
  const nameWords = account.name.split(/\s+/).filter((word) => word.length > 0);
  const userInputs = [account.email, localPart, account.name, nameWords.join(''), ...nameWords];
  const estimated = estimatedPrefix(repeatedUnit(password));
  if (guessabilityEstimator.score(estimated, userInputs) < WEAKEST_ACCEPTED_SCORE) {
    problems.push(
      'Password is too common or too easy to guess; choose a longer, less predictable one.',
    );
  }
  return problems;
}

/** The first ESTIMATED_PREFIX_CHARACTERS code points: never half of a surrogate pair. */
function estimatedPrefix(password: string): string {
  return Array.from(password.slice(0, 2 * ESTIMATED_PREFIX_CHARACTERS))
    .slice(0, ESTIMATED_PREFIX_CHARACTERS)
    .join('');
}

/**
 * The unit a password repeats ("Summer2024!" for "Summer2024!" seven times, the last copy perhaps cut short), or the
 * password itself. A repetition is as guessable as its unit, and a prefix that ends inside a copy would hide that
 * from zxcvbn. Found with the KMP border of the whole text: linear in its length.
 */
export function repeatedUnit(password: string): string {
  const border: number[] = [0];
  for (let i = 1, k = 0; i < password.length; i += 1) {
    while (k > 0 && password[i] !== password[k]) k = border[k - 1] ?? 0;
    if (password[i] === password[k]) k += 1;
    border.push(k);
  }
  const period = password.length - (border.at(-1) ?? 0);
  return 2 * period <= password.length ? password.slice(0, period) : password;
}
