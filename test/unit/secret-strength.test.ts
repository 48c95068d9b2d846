import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretWeakness } from '../../src/config/secret-strength.js';

const HINT = 'openssl rand -base64 48';

/** What the usual generators print: 256 bits or more of randomness, and the 128-bit ones no secret should have less. */
const GENERATORS: Array<[string, () => string]> = [
  ['openssl rand -base64 48', () => randomBytes(48).toString('base64')],
  ['openssl rand -base64 32', () => randomBytes(32).toString('base64')],
  ['openssl rand -hex 32', () => randomBytes(32).toString('hex')],
  ['openssl rand -hex 32, upper case', () => randomBytes(32).toString('hex').toUpperCase()],
  ['randomBytes(48) as base64url', () => randomBytes(48).toString('base64url')],
  ['randomBytes(32) as base64url', () => randomBytes(32).toString('base64url')],
  ['two UUIDv4 joined by a hyphen', () => `${randomUUID()}-${randomUUID()}`],
  ['two UUIDv4 without hyphens', () => (randomUUID() + randomUUID()).replaceAll('-', '')],
  ['openssl rand -hex 16 (128 bits)', () => randomBytes(16).toString('hex')],
  ['one UUIDv4 (122 random bits)', () => randomUUID()],
];

describe('secretWeakness', () => {
  it.each([
    [
      'a base64 value (openssl rand -base64 48)',
      'ukRQYSSW4LgV49ssKBkwohlUbo10IQvvfy0bgLQcLQ1t15fDn2m/ec6PsrM5IOYe',
    ],
    [
      'a hex value (openssl rand -hex 32)',
      'efd31bbfa3f6fa41ea33b15fcf61f9458c88d3b2abb657b4fc32614c90a11da0',
    ],
    [
      'a base64url value (randomBytes(48))',
      'UwXx3LCKgJLLdH-XBUehSjN8OemGMM9--69lIhaN07atuVoFuLhavUJJoqnWoibB',
    ],
    ['a UUIDv4 pair', 'c431d20a-d947-4749-848f-b2096c01da5c-cdbef756-ce36-4e8b-8bda-54cc5f02806e'],
    [
      'a long passphrase of uncommon words',
      'velvet-orbit-gravel-quince-mosaic-tundra-lantern-fjord-walnut-ember',
    ],
  ])('when the secret is %s, then it is accepted', (_case, secret) => {
    expect(secretWeakness(secret)).toBeUndefined();
  });

  it.each(GENERATORS)(
    'when the secret comes from %s, then it is accepted every time',
    (_generator, generate) => {
      for (let i = 0; i < 200; i += 1) {
        const secret = generate();
        expect({ secret, weakness: secretWeakness(secret) }).toEqual({
          secret,
          weakness: undefined,
        });
      }
    },
  );

  it.each([
    ['placeholder words repeated with a counting run', 'changeme-please-changeme-1234567890'],
    ['a descriptive phrase with a year', 'my-super-secret-jwt-key-for-production-2024'],
    ['one character repeated', 'a'.repeat(48)],
    ['a short unit repeated', 'ab'.repeat(20)],
    ['ten distinct characters repeated', 'Xk9#mQ2!pL'.repeat(4)],
    ['sequential hex digits', '0123456789abcdef0123456789abcdef'],
    ['the alphabet', 'abcdefghijklmnopqrstuvwxyz0123456789'],
    ['a keyboard walk', 'qwertyuiopasdfghjklzxcvbnm123456'],
    ['a keyboard walk backwards, in capitals', 'MNBVCXZLKJHGFDSAPOIUYTREWQ654321'],
    ['an example value', 'your-jwt-secret-here-replace-me-in-production'],
    ['leetspeak words', 'P@ssw0rd-S3cr3t-T0k3n-Adm1n-L3tm31n!'],
    ['a word list secret in camel case', 'MySuperSecretKeyForTheAuthServiceJwt'],
    ['two UUIDs of zeros', `${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`.repeat(2)],
  ])(
    'when the secret is %s, then it is refused as guessable, saying how to make one',
    (_case, secret) => {
      const weakness = secretWeakness(secret);

      expect(weakness).toMatch(/guessable/);
      expect(weakness).toContain(HINT);
      expect(weakness).not.toContain(secret);
    },
  );

  it('when the secret is under 32 bytes, then it is refused for its length, saying how to make one', () => {
    const weakness = secretWeakness(randomBytes(15).toString('hex'));

    expect(weakness).toMatch(/at least 32 bytes/);
    expect(weakness).toContain(HINT);
  });

  it('when the secret is very long, then a strong beginning is enough and a weak whole is refused', () => {
    const weakThenLong = 'a'.repeat(10_000);
    const strongThenLong = randomBytes(48).toString('base64') + 'a'.repeat(10_000);

    expect(secretWeakness(weakThenLong)).toMatch(/guessable/);
    expect(secretWeakness(strongThenLong)).toBeUndefined();
  });
});
