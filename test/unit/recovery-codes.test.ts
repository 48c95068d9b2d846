// Recovery codes (src/mfa/recovery-codes.ts): ten per set, shown once as xxxx-xxxx-xxxx-xxxx, each hashed on its own
// behind a lookup id unique in its set; typed back with any case, dashes or spaces, and nothing outside the alphabet.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  lookupIdOf,
  newRecoveryCodes,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
} from '../../src/mfa/recovery-codes.js';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const SHOWN = /^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/;

/** Hashes by tagging, recording each code it was given. */
function recordingHash() {
  const given: string[] = [];
  return {
    given,
    hash: (code: string) => {
      given.push(code);
      return Promise.resolve(`hash(${code})`);
    },
  };
}

const codeArbitrary = fc
  .array(fc.constantFrom(...Array.from(ALPHABET)), { minLength: 16, maxLength: 16 })
  .map((chars) => chars.join(''));
const shownAs = (code: string) => (code.match(/.{4}/g) ?? []).join('-');

describe('newRecoveryCodes', () => {
  it('when a set is made, then it has ten codes shown in four groups of the unambiguous alphabet', async () => {
    const { shown } = await newRecoveryCodes(recordingHash().hash);

    expect(shown).toHaveLength(RECOVERY_CODE_COUNT);
    expect(RECOVERY_CODE_COUNT).toBe(10);
    for (const code of shown) expect(code).toMatch(SHOWN);
    expect(new Set(shown).size).toBe(10);
  });

  it('when a set is made, then each code is hashed once, as typed back normalized, and stored under its own lookup id', async () => {
    const recorder = recordingHash();
    const { shown, stored } = await newRecoveryCodes(recorder.hash);
    const normalized = shown.map((code) => normalizeRecoveryCode(code) ?? '');

    expect(recorder.given.sort()).toEqual([...normalized].sort());
    expect(stored).toEqual(
      normalized.map((code) => ({ lookupId: lookupIdOf(code), codeHash: `hash(${code})` })),
    );
    for (const code of normalized) expect(lookupIdOf(code)).toHaveLength(4);
  });

  it('when many sets are made, then no set ever repeats a lookup id', async () => {
    const sets = await Promise.all(
      Array.from({ length: 200 }, () => newRecoveryCodes(recordingHash().hash)),
    );

    for (const { stored } of sets) {
      expect(new Set(stored.map((code) => code.lookupId)).size).toBe(RECOVERY_CODE_COUNT);
    }
  });
});

describe('normalizeRecoveryCode', () => {
  it('when a code is typed in upper case, without dashes or with spaces, then it normalizes to one form', () => {
    const forms = [
      'abcd-efgh-jkmn-pqrs',
      'ABCD-EFGH-JKMN-PQRS',
      'abcdefghjkmnpqrs',
      'abcd efgh jkmn pqrs',
      ' Abcd-Efgh jkmn-PQRS\t',
      'ab-cd-ef-gh-jk-mn-pq-rs',
    ];

    for (const form of forms) expect(normalizeRecoveryCode(form), form).toBe('abcdefghjkmnpqrs');
  });

  it('when a code holds i, l, o or u, another character, or has the wrong length, then it is refused', () => {
    const refused = [
      'abcd-efgh-jkmn-pqri',
      'abcd-efgh-jkmn-pqrl',
      'abcd-efgh-jkmn-pqro',
      'abcd-efgh-jkmn-pqru',
      'abcd-efgh-jkmn-pqr',
      'abcd-efgh-jkmn-pqrst',
      'abcd_efgh_jkmn_pqrs',
      'abcd-efgh-jkmn-pqr١',
      'abcd.efgh.jkmn.pqrs',
      '',
      '----',
    ];

    for (const typed of refused) expect(normalizeRecoveryCode(typed), typed).toBeUndefined();
  });

  it('when any code of the alphabet is shown and typed back in any case, then it normalizes to itself', () => {
    fc.assert(
      fc.property(codeArbitrary, fc.boolean(), fc.boolean(), (code, upper, dashes) => {
        const shown = dashes ? shownAs(code) : (code.match(/.{4}/g)?.join(' ') ?? code);
        expect(normalizeRecoveryCode(upper ? shown.toUpperCase() : shown)).toBe(code);
      }),
    );
  });

  it('when any string is typed, then the answer is undefined or 16 characters of the alphabet', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (typed) => {
        const normalized = normalizeRecoveryCode(typed);
        if (normalized !== undefined) expect(normalized).toMatch(/^[0-9a-hjkmnp-tv-z]{16}$/);
      }),
    );
  });
});
