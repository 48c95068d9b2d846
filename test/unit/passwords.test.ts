import { describe, expect, it } from 'vitest';
import { createLoginThrottle } from '../../src/auth/login-throttle.js';
import { createPasswordVerifier } from '../../src/auth/password-verifier.js';
import {
  createBcryptHasher,
  type PasswordHasher,
} from '../../src/auth/passwords/password-hasher.js';
import { passwordPolicyProblems } from '../../src/auth/passwords/password-policy.js';
import { createMemoryCounterStore } from '../../src/limits/counter-store.js';
import { countingHasher } from '../helpers/counting-hasher.js';
import { FakeClock } from '../helpers/fake-clock.js';

const TOO_SHORT = 'Password must be at least 8 characters.';
const TOO_LONG = 'Password must be at most 72 bytes (UTF-8).';
const NO_LETTER = 'Password must contain a letter.';
const NO_DIGIT = 'Password must contain a digit.';
const NO_SYMBOL = 'Password must contain a symbol.';
const CONTROL = 'Password must not contain control characters.';

const utf8Bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('passwordPolicyProblems', () => {
  it.each([
    ['Abcdef1!', 'eight characters with a letter, digit and symbol'],
    ['Пароль1!', 'Cyrillic letters'],
    ['密码密码密码1!', 'Chinese letters'],
    [`${'é'.repeat(35)}1!`, 'exactly 72 UTF-8 bytes'],
  ])('when the password is %j (%s), then there is no problem', (password) => {
    expect(passwordPolicyProblems(password)).toEqual([]);
  });

  it.each([
    ['Ab1!xyz', [TOO_SHORT]],
    ['abcdefgh1', [NO_SYMBOL]],
    ['abcdefg!', [NO_DIGIT]],
    ['1234567!', [NO_LETTER]],
    ['abcdefg1 ', [NO_SYMBOL]],
    ['abc\tdef\n1', [CONTROL, NO_SYMBOL]],
    ['Correct-horse-9!\u0000tail', [CONTROL]],
    ['Correct-horse-9!\u007F', [CONTROL]],
    ['Correct-horse-9!\u0085', [CONTROL]],
    ['', [TOO_SHORT, NO_LETTER, NO_DIGIT, NO_SYMBOL]],
    ['        ', [NO_LETTER, NO_DIGIT, NO_SYMBOL]],
  ])('when the password is %j, then the problems are exactly %j', (password, problems) => {
    expect(passwordPolicyProblems(password)).toEqual(problems);
  });

  it('when 7 characters take 14 UTF-16 units (emoji and astral letters), then it is still too short', () => {
    // 𝐀 and 𝐁 are letters, 𝟏 a digit and 😀 a symbol, each one code point outside the BMP.
    const seven = '𝐀𝐁😀😀😀😀𝟏';
    expect(seven.length).toBe(14);
    expect(Array.from(seven)).toHaveLength(7);

    expect(passwordPolicyProblems(seven)).toEqual([TOO_SHORT]);
    expect(passwordPolicyProblems(`${seven}😀`)).toEqual([]);
  });

  it('when a password of few characters exceeds 72 UTF-8 bytes, then it is refused for its length in bytes', () => {
    const password = `${'é'.repeat(36)}1!`;
    expect(Array.from(password)).toHaveLength(38);
    expect(utf8Bytes(password)).toBe(74);

    expect(passwordPolicyProblems(password)).toEqual([TOO_LONG]);
  });
});

describe('bcrypt hasher', () => {
  it('when a password is hashed at cost 4, then verify accepts it and rejects a wrong one', async () => {
    const hasher = createBcryptHasher(4);

    const hash = await hasher.hash('Correct-horse-1!');

    expect(hash).toMatch(/^\$2b\$04\$[./A-Za-z0-9]{53}$/);
    expect(await hasher.verify('Correct-horse-1!', hash)).toBe(true);
    expect(await hasher.verify('Correct-horse-2!', hash)).toBe(false);
  });

  it('when the hasher is built with 10 rounds, then its hashes say cost 10', async () => {
    const hash = await createBcryptHasher(10).hash('Correct-horse-1!');

    expect(hash.startsWith('$2b$10$')).toBe(true);
  });

  it('when a password is hashed twice, then the salts differ', async () => {
    const hasher = createBcryptHasher(4);

    expect(await hasher.hash('same-1!')).not.toBe(await hasher.hash('same-1!'));
  });
});

describe('createPasswordVerifier', () => {
  const client = { requestId: 'test', ip: null, userAgent: null };
  const clock = new FakeClock();
  const verifierWith = (hasher: PasswordHasher) => {
    const verifier = createPasswordVerifier({
      hasher,
      throttle: createLoginThrottle(createMemoryCounterStore(clock), 5, clock),
      audit: { record: () => undefined },
    });
    return (email: string, password: string, storedHash: string | undefined, from: typeof client) =>
      verifier.signIn({ email, password, storedHash, deviceId: undefined, client: from });
  };

  it('when the user is unknown, then refused as unknown_email, after exactly one bcrypt comparison', async () => {
    const hasher = countingHasher();
    const verify = verifierWith(hasher);

    const result = await verify('ada@example.com', 'Correct-horse-1!', undefined, client);

    expect(result).toEqual({ ok: false, reason: 'unknown_email', retryAfterSeconds: 0 });
    expect(hasher.calls.verify).toBe(1);
  });

  it('when the password is right, then ok; when wrong, then wrong_password; one comparison each', async () => {
    const hasher = countingHasher();
    const verify = verifierWith(hasher);
    const stored = await hasher.hash('Correct-horse-1!');

    expect(await verify('ada@example.com', 'Correct-horse-1!', stored, client)).toEqual({
      ok: true,
    });
    expect(await verify('ada@example.com', 'correct-horse-1!', stored, client)).toEqual({
      ok: false,
      reason: 'wrong_password',
      retryAfterSeconds: 0,
    });
    expect(hasher.calls.verify).toBe(2);
  });

  it('when a 72-byte password is right, then ok; with characters beyond byte 72, then refused though bcrypt matches', async () => {
    const hasher = countingHasher();
    const verify = verifierWith(hasher);
    const password = `Aa1!${'x'.repeat(68)}`;
    expect(utf8Bytes(password)).toBe(72);
    const stored = await hasher.hash(password);

    // bcrypt itself ignores everything after byte 72.
    expect(await hasher.verify(`${password}-anything`, stored)).toBe(true);

    expect((await verify('ada@example.com', password, stored, client)).ok).toBe(true);
    expect((await verify('ada@example.com', `${password}-anything`, stored, client)).ok).toBe(
      false,
    );
  });
});
