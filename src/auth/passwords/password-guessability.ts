// Refuses new passwords that are common or guessable from the account itself, with zxcvbn-ts (a maintained
// estimator with lists of common passwords, names and keyboard patterns).
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';

/** zxcvbn scores 0 and 1 (fewer than a million guesses): common passwords and light variations of them. */
const WEAKEST_ACCEPTED_SCORE = 2;
/** A local part this short ("a@…") is too likely to appear by chance to refuse on. */
const SHORTEST_CHECKED_LOCAL_PART = 3;

let estimator: ZxcvbnFactory | undefined;

// Built on first use: loading the dictionaries takes a while (bench/README.md), and many processes never need them.
function guessability(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...common.dictionary },
    graphs: common.adjacencyGraphs,
  });
  return estimator;
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
  const { score } = guessability().check(password, userInputs);
  if (score < WEAKEST_ACCEPTED_SCORE) {
    problems.push(
      'Password is too common or too easy to guess; choose a longer, less predictable one.',
    );
  }
  return problems;
}
