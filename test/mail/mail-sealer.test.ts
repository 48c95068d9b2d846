// The outbox sealer: AES-256-GCM round trips of mail content and of mail requests, refuses any altered value or one
// sealed under a key outside its ring, and still opens what a previous key sealed, so OUTBOX_KEY can rotate with mail
// in the queue.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { MailContent } from '../../src/mail/mail-message.js';
import { createMailSealer, outboxSealer, sealingKey } from '../../src/mail/mail-sealer.js';

const content: MailContent = {
  to: 'alice@example.com',
  subject: 'Reset your password',
  text: 'Open https://app.example.com/reset-password#token=rst_abcdefghijklmnop to choose a new password.',
  html: '<p>Open the link</p>',
};

const newKey = () => sealingKey(randomBytes(32));

/** The value with the first character of its part `index` (0 version … 4 ciphertext) changed. */
function alterPart(sealed: string, index: number): string {
  const parts = sealed.split('.');
  const part = parts[index] ?? '';
  parts[index] = (part.startsWith('A') ? 'B' : 'A') + part.slice(1);
  return parts.join('.');
}

describe('the mail sealer', () => {
  it('when content is sealed, then opening gives it back and the sealed value shows none of it', () => {
    const sealer = createMailSealer({ current: newKey() });

    const sealed = sealer.seal(content);

    expect(sealer.open(sealed)).toEqual({ content });
    for (const plain of ['alice', 'example.com', 'Reset', 'rst_', 'token']) {
      expect(sealed).not.toContain(plain);
    }
  });

  it('when a mail request is sealed, then opening gives back its fields, told apart from mail content, and the value shows none of them', () => {
    const sealer = createMailSealer({ current: newKey() });
    const request = { purpose: 'password_reset', email: 'alice@example.com', cooledDown: false };

    const sealed = sealer.seal({ request });

    expect(sealer.open(sealed)).toEqual({ request });
    for (const plain of ['alice', 'example.com', 'password_reset', 'cooledDown']) {
      expect(sealed).not.toContain(plain);
    }
  });

  it.each([
    ['a request with a nested object', { request: { to: { address: 'alice@example.com' } } }],
    ['mail content with a request beside it', { ...content, request: {} }],
    ['neither', { purpose: 'password_reset' }],
  ])('when asked to seal %s, then it refuses', (_name, body) => {
    const sealer = createMailSealer({ current: newKey() });

    expect(() => sealer.seal(body as never)).toThrow();
  });

  it('when the same content is sealed twice, then the values differ (a fresh IV each time)', () => {
    const sealer = createMailSealer({ current: newKey() });

    expect(sealer.seal(content)).not.toBe(sealer.seal(content));
  });

  it('when a sealed value names its version and key, then the key id is the current key’s', () => {
    const key = newKey();
    const parts = createMailSealer({ current: key }).seal(content).split('.');

    expect(parts).toHaveLength(5);
    expect(parts.slice(0, 2)).toEqual(['v1', key.id]);
  });

  it.each([
    ['the IV', 2],
    ['the tag', 3],
    ['the ciphertext', 4],
  ])('when %s is altered, then opening refuses it as unreadable', (_name, index) => {
    const sealer = createMailSealer({ current: newKey() });

    expect(sealer.open(alterPart(sealer.seal(content), index))).toEqual({ refused: 'unreadable' });
  });

  it('when the value is relabelled with another key id of the ring, then opening refuses it', () => {
    const current = newKey();
    const previous = newKey();
    const sealer = createMailSealer({ current, previous: [previous] });
    const relabelled = sealer.seal(content).replace(`.${current.id}.`, `.${previous.id}.`);

    expect(sealer.open(relabelled)).toEqual({ refused: 'unreadable' });
  });

  it.each([
    ['truncated', (sealed: string) => sealed.slice(0, -4)],
    ['missing a part', (sealed: string) => sealed.split('.').slice(0, 4).join('.')],
    ['of another version', (sealed: string) => sealed.replace(/^v1\./, 'v2.')],
    ['not base64url', (sealed: string) => `${sealed}!`],
    ['empty', () => ''],
  ])('when the value is %s, then opening refuses it', (_name, change) => {
    const sealer = createMailSealer({ current: newKey() });

    expect(sealer.open(change(sealer.seal(content)))).toHaveProperty('refused');
  });

  it('when the value was sealed under a key outside the ring, then opening refuses it as of an unknown key', () => {
    const sealed = createMailSealer({ current: newKey() }).seal(content);

    expect(createMailSealer({ current: newKey() }).open(sealed)).toEqual({
      refused: 'unknown_key',
    });
  });

  it('when a foreign key carries the same id, then its value fails the tag check', () => {
    const ours = newKey();
    const impostor = { id: ours.id, key: randomBytes(32) };
    const sealed = createMailSealer({ current: impostor }).seal(content);

    expect(createMailSealer({ current: ours }).open(sealed)).toEqual({ refused: 'unreadable' });
  });

  it('when OUTBOX_KEY rotates, then mail sealed before opens with the previous key and new mail uses the new one', () => {
    const oldKey = newKey();
    const queuedBefore = createMailSealer({ current: oldKey }).seal(content);
    const rotated = createMailSealer({ current: newKey(), previous: [oldKey] });

    expect(rotated.open(queuedBefore)).toEqual({ content });
    expect(rotated.seal(content).split('.')[1]).not.toBe(oldKey.id);
    expect(createMailSealer({ current: newKey() }).open(queuedBefore)).toEqual({
      refused: 'unknown_key',
    });
  });

  it('when a key is not 32 bytes, then the sealer is not built', () => {
    expect(() => createMailSealer({ current: sealingKey(randomBytes(16)) })).toThrow(/32 bytes/);
  });

  it('when the same key bytes are given twice, then they get the same id (an id names the key, not the start)', () => {
    const bytes = randomBytes(32);

    expect(sealingKey(bytes).id).toBe(sealingKey(Buffer.from(bytes)).id);
    expect(sealingKey(bytes).id).not.toBe(newKey().id);
  });

  it('when built from OUTBOX_KEY and OUTBOX_KEY_PREVIOUS (base64url), then it seals with the first and opens both', () => {
    const [current, previous] = [randomBytes(32), randomBytes(32)].map((key) =>
      key.toString('base64url'),
    );
    const beforeRotation = outboxSealer({ current: previous ?? '' }).seal(content);

    const sealer = outboxSealer({ current: current ?? '', previous });

    expect(sealer.open(beforeRotation)).toEqual({ content });
    expect(sealer.open(sealer.seal(content))).toEqual({ content });
    expect(outboxSealer({ current: previous ?? '' }).open(sealer.seal(content))).toEqual({
      refused: 'unknown_key',
    });
  });
});
