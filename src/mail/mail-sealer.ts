// Seals a queued mail's content (recipient, subject, link), or a mail request (which names an address too), with
// AES-256-GCM before it reaches the store, so a copy of the database or a backup holds no working reset link and no
// address list. Each sealed value names the key that
// sealed it: OUTBOX_KEY seals, and previous keys still open what was queued before a rotation.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import {
  sealedBodySchema,
  type MailContent,
  type MailRequest,
  type SealedBody,
} from './mail-message.js';

export interface SealingKey {
  /** Names the key inside each sealed value; base64url characters only. */
  readonly id: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

/**
 * What opening gave: a mail's content, a mail request's fields, or why it was refused (a key no longer in the ring,
 * or anything else).
 */
export type OpenedMail =
  | { content: MailContent }
  | { request: MailRequest['request'] }
  | { refused: 'unknown_key' | 'unreadable' };

export interface MailSealer {
  seal(body: SealedBody): string;
  open(sealed: string): OpenedMail;
}

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * A key with an id derived from its bytes, so OUTBOX_KEY needs no id variable beside it and a new key always has a
 * new id. The id is a prefix of a domain-separated SHA-256: it tells keys apart and reveals nothing usable.
 */
export function sealingKey(key: Buffer): SealingKey {
  const digest = createHash('sha256').update('auth-api outbox key id\0').update(key).digest();
  return { id: digest.subarray(0, 9).toString('base64url'), key };
}

export function createMailSealer(keys: {
  current: SealingKey;
  previous?: readonly SealingKey[];
}): MailSealer {
  const ring = new Map<string, Buffer>();
  for (const { id, key } of [keys.current, ...(keys.previous ?? [])]) {
    if (!KEY_ID.test(id)) throw new Error(`outbox key id ${id} is not 1-32 base64url characters`);
    if (key.length !== KEY_BYTES) throw new Error(`outbox key ${id} is not ${KEY_BYTES} bytes`);
    if (ring.has(id)) throw new Error(`outbox key id ${id} is in the ring twice`);
    ring.set(id, key);
  }
  const { id: currentId, key: currentKey } = keys.current;

  return {
    seal(body) {
      const header = `${VERSION}.${currentId}`;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
      // The header is authenticated too: a value cannot be re-labelled with another version or key id.
      cipher.setAAD(Buffer.from(header));
      const plaintext = Buffer.from(JSON.stringify(sealedBodySchema.parse(body)));
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
      return [header, ...parts].join('.');
    },

    open(sealed) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION) return { refused: 'unreadable' };
      const [version, keyId, iv, tag, ciphertext] = parts as [
        string,
        string,
        string,
        string,
        string,
      ];
      const key = ring.get(keyId);
      if (key === undefined) return { refused: 'unknown_key' };
      if (![iv, tag, ciphertext].every((part) => BASE64URL.test(part))) {
        return { refused: 'unreadable' };
      }
      const ivBytes = Buffer.from(iv, 'base64url');
      const tagBytes = Buffer.from(tag, 'base64url');
      if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) {
        return { refused: 'unreadable' };
      }
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(Buffer.from(`${version}.${keyId}`));
        decipher.setAuthTag(tagBytes);
        const plaintext = Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64url')),
          decipher.final(),
        ]);
        const parsed = sealedBodySchema.safeParse(JSON.parse(plaintext.toString('utf8')));
        if (!parsed.success) return { refused: 'unreadable' };
        return 'request' in parsed.data
          ? { request: parsed.data.request }
          : { content: parsed.data };
      } catch {
        // A failed tag check (tampered, or sealed under another key with the same id) or a body that is not JSON.
        return { refused: 'unreadable' };
      }
    },
  };
}

/** The sealer of OUTBOX_KEY, opening also what OUTBOX_KEY_PREVIOUS sealed: each 32 bytes written as base64url. */
export function outboxSealer(keys: { current: string; previous?: string | undefined }): MailSealer {
  const keyOf = (text: string) => sealingKey(Buffer.from(text, 'base64url'));
  return createMailSealer({
    current: keyOf(keys.current),
    previous: keys.previous === undefined ? [] : [keyOf(keys.previous)],
  });
}
