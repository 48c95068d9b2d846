// AES-256-GCM sealing under a key ring (src/sealing/sealed-box.ts): a sealed value opens only under its key and its
// context, previous keys still open what they sealed, and any change to the value is refused rather than misread.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSealedBox,
  derivedSealingKey,
  sealingKeyIdOf,
  type SealingKey,
} from '../../src/sealing/sealed-box.js';

const newKey = (label = 'test'): SealingKey => derivedSealingKey(randomBytes(32), label);
const PLAINTEXT = Buffer.from('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');

/** The value with one character of part `index` (0 version, 1 key id, 2 iv, 3 tag, 4 ciphertext) changed. */
function withPartChanged(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const part = parts[index] ?? '';
  const changed = part.startsWith('A') ? `B${part.slice(1)}` : `A${part.slice(1)}`;
  return parts.map((each, at) => (at === index ? changed : each)).join('.');
}

describe('derivedSealingKey', () => {
  it('when a key is derived twice, then its id is the same; for another label or key bytes, it differs', () => {
    const bytes = randomBytes(32);

    expect(derivedSealingKey(bytes, 'mfa').id).toBe(derivedSealingKey(bytes, 'mfa').id);
    expect(derivedSealingKey(bytes, 'mfa').id).not.toBe(derivedSealingKey(bytes, 'outbox').id);
    expect(derivedSealingKey(bytes, 'mfa').id).not.toBe(
      derivedSealingKey(randomBytes(32), 'mfa').id,
    );
    expect(derivedSealingKey(bytes, 'mfa').id).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });
});

describe('a sealed box', () => {
  it('when a value is sealed, then it names its key id, is new each time, and opens to the plaintext', () => {
    const key = newKey();
    const box = createSealedBox({ current: key });

    const first = box.seal(PLAINTEXT, 'totp:user-1');
    const second = box.seal(PLAINTEXT, 'totp:user-1');

    expect(first.startsWith(`v1.${key.id}.`)).toBe(true);
    expect(sealingKeyIdOf(first)).toBe(key.id);
    expect(first).not.toBe(second);
    expect(first).not.toContain(PLAINTEXT.toString());
    expect(box.open(first, 'totp:user-1')).toEqual({ plaintext: PLAINTEXT });
  });

  it('when opened for another context, or without the one it was sealed for, then it is refused', () => {
    const box = createSealedBox({ current: newKey() });
    const bound = box.seal(PLAINTEXT, 'totp:user-1');
    const unbound = box.seal(PLAINTEXT);

    expect(box.open(bound, 'totp:user-2')).toEqual({ refused: 'unreadable' });
    expect(box.open(bound)).toEqual({ refused: 'unreadable' });
    expect(box.open(unbound, 'totp:user-1')).toEqual({ refused: 'unreadable' });
    expect(box.open(unbound)).toEqual({ plaintext: PLAINTEXT });
  });

  it('when the key is rotated with the old one as previous, then old values open, new ones seal under the new key; without it, unknown_key', () => {
    const oldKey = newKey();
    const newer = newKey();
    const sealedBefore = createSealedBox({ current: oldKey }).seal(PLAINTEXT, 'c');
    const during = createSealedBox({ current: newer, previous: [oldKey] });
    const after = createSealedBox({ current: newer });

    expect(during.open(sealedBefore, 'c')).toEqual({ plaintext: PLAINTEXT });
    expect(sealingKeyIdOf(during.seal(PLAINTEXT, 'c'))).toBe(newer.id);
    expect(after.open(sealedBefore, 'c')).toEqual({ refused: 'unknown_key' });
    expect(createSealedBox({ current: oldKey }).open(after.seal(PLAINTEXT, 'c'), 'c')).toEqual({
      refused: 'unknown_key',
    });
  });

  it('when any part of the value is changed, relabelled to another key of the ring, or malformed, then it is refused', () => {
    const key = newKey();
    const other = newKey();
    const box = createSealedBox({ current: key, previous: [other] });
    const sealed = box.seal(PLAINTEXT, 'c');
    const [, , iv, tag, ciphertext] = sealed.split('.');
    const foreignKeyWithSameId: SealingKey = { id: key.id, key: randomBytes(32) };

    expect(box.open(withPartChanged(sealed, 0), 'c')).toEqual({ refused: 'unreadable' });
    expect(box.open(withPartChanged(sealed, 1), 'c')).toEqual({ refused: 'unknown_key' });
    for (const index of [2, 3, 4]) {
      expect(box.open(withPartChanged(sealed, index), 'c'), `part ${String(index)}`).toEqual({
        refused: 'unreadable',
      });
    }
    expect(box.open(['v1', other.id, iv, tag, ciphertext].join('.'), 'c')).toEqual({
      refused: 'unreadable',
    });
    expect(createSealedBox({ current: foreignKeyWithSameId }).open(sealed, 'c')).toEqual({
      refused: 'unreadable',
    });
    for (const malformed of [
      '',
      'v1',
      `v1.${key.id}.${iv ?? ''}.${tag ?? ''}`,
      `${sealed}.extra`,
      `v1.${key.id}.${iv ?? ''}.${tag ?? ''}.${ciphertext ?? ''}+`,
      `v1.${key.id}.${(iv ?? '').slice(2)}.${tag ?? ''}.${ciphertext ?? ''}`,
      `v1.${key.id}.${iv ?? ''}.${(tag ?? '').slice(2)}.${ciphertext ?? ''}`,
    ]) {
      expect(box.open(malformed, 'c'), malformed).toHaveProperty('refused');
    }
  });

  it('when a ring is given a key of the wrong size, a bad id or one id twice, then it is refused at once', () => {
    const key = newKey();

    expect(() => createSealedBox({ current: { id: 'short', key: randomBytes(16) } })).toThrow(
      /32 bytes/,
    );
    expect(() => createSealedBox({ current: { id: 'no.dots', key: randomBytes(32) } })).toThrow(
      /base64url/,
    );
    expect(() => createSealedBox({ current: key, previous: [key] })).toThrow(/twice/);
  });

  it('when any bytes are sealed for any context, then they open for that context only', () => {
    const box = createSealedBox({ current: newKey() });
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 200 }),
        fc.string(),
        fc.string(),
        (bytes, context, otherContext) => {
          const plaintext = Buffer.from(bytes);
          const sealed = box.seal(plaintext, context);
          expect(box.open(sealed, context)).toEqual({ plaintext });
          if (otherContext !== context) {
            expect(box.open(sealed, otherContext)).toEqual({ refused: 'unreadable' });
          }
        },
      ),
    );
  });
});
