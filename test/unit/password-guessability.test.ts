import { describe, expect, it, onTestFinished, vi } from 'vitest';
import {
  ESTIMATED_PREFIX_CHARACTERS,
  guessabilityEstimator,
  passwordGuessabilityProblems,
  repeatedUnit,
} from '../../src/auth/passwords/password-guessability.js';

const account = { email: 'grace@example.com', name: 'Grace Hopper' };

/** The passwords the estimator is asked about during `check`. */
function estimated(check: () => void): string[] {
  const spy = vi.spyOn(guessabilityEstimator, 'score');
  onTestFinished(() => {
    spy.mockRestore();
  });
  check();
  return spy.mock.calls.map(([password]) => password);
}

describe('passwordGuessabilityProblems', () => {
  it('when a password of 72 characters is checked, then the estimate sees only its first characters', () => {
    const password = `Aa1!${'P@ssw0rd-xQ'.repeat(6)}`.slice(0, 72);

    const seen = estimated(() => passwordGuessabilityProblems(password, account));

    expect(seen).toEqual([password.slice(0, ESTIMATED_PREFIX_CHARACTERS)]);
    expect(ESTIMATED_PREFIX_CHARACTERS).toBeLessThanOrEqual(20);
  });

  it('when the prefix would end inside a surrogate pair, then the estimate sees whole characters', () => {
    const password = `${'x'.repeat(ESTIMATED_PREFIX_CHARACTERS - 1)}😀1!`;

    const [seen] = estimated(() => passwordGuessabilityProblems(password, account));

    expect(seen).toBe(`${'x'.repeat(ESTIMATED_PREFIX_CHARACTERS - 1)}😀`);
  });
});

describe('repeatedUnit', () => {
  it.each([
    ['Summer2024!'.repeat(7), 'Summer2024!'],
    [`${'Summer2024!'.repeat(3)}Sum`, 'Summer2024!'],
    ['😀a1😀a1', '😀a1'],
    ['Xq9#Lm2!', 'Xq9#Lm2!'],
    ['abcXabc', 'abcXabc'],
  ])('when the password is %j, then its unit is %j', (password, unit) => {
    expect(repeatedUnit(password)).toBe(unit);
  });
});

describe('passwordGuessabilityProblems of a repetition', () => {
  it('when a password longer than the prefix repeats a common one, then it is refused', () => {
    const password = 'Password1!'.repeat(7);

    expect(passwordGuessabilityProblems(password, account)).toContain(
      'Password is too common or too easy to guess; choose a longer, less predictable one.',
    );
  });
});
