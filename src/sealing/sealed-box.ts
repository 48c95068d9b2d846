// AES-256-GCM sealing under a ring of keys, for what must rest in the store unreadable (queued mail, TOTP secrets).
// Each sealed value names the key that sealed it, so the current key seals and previous keys still open what was
// sealed before a rotation. A value may be bound to a context (the user it belongs to): copied next to another
// context, it no longer opens.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface SealingKey {
  /** Names the key inside each sealed value; base64url characters only. */
  readonly id: string;
  /** 32 bytes. */
  readonly key: Buffer;
}

export type Opened = { plaintext: Buffer } | { refused: 'unknown_key' | 'unreadable' };

export interface SealedBox {
  seal(plaintext: Buffer, context?: string): string;
  open(sealed: string, context?: string): Opened;
}

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * A key with an id derived from its bytes and what it seals (`label`), so a key variable needs no id beside it and a
 * new key always has a new id. The id is a prefix of a domain-separated SHA-256: it tells keys apart and reveals
 * nothing usable.
 */
export function derivedSealingKey(key: Buffer, label: string): SealingKey {
  const digest = createHash('sha256').update(`auth-api ${label} key id\0`).update(key).digest();
  return { id: digest.subarray(0, 9).toString('base64url'), key };
}

/** What the tag authenticates besides the ciphertext: the header, and the context when there is one. */
const additionalData = (header: string, context: string | undefined) =>
  Buffer.from(context === undefined ? header : `${header}\0${context}`);

export function createSealedBox(keys: {
  current: SealingKey;
  previous?: readonly SealingKey[];
}): SealedBox {
  const ring = new Map<string, Buffer>();
  for (const { id, key } of [keys.current, ...(keys.previous ?? [])]) {
    if (!KEY_ID.test(id)) throw new Error(`sealing key id ${id} is not 1-32 base64url characters`);
    if (key.length !== KEY_BYTES) throw new Error(`sealing key ${id} is not ${KEY_BYTES} bytes`);
    if (ring.has(id)) throw new Error(`sealing key id ${id} is in the ring twice`);
    ring.set(id, key);
  }
  const { id: currentId, key: currentKey } = keys.current;

  return {
    seal(plaintext, context) {
      const header = `${VERSION}.${currentId}`;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv);
      // The header is authenticated too: a value cannot be re-labelled with another version or key id.
      cipher.setAAD(additionalData(header, context));
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
      return [header, ...parts].join('.');
    },

    open(sealed, context) {
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
        decipher.setAAD(additionalData(`${version}.${keyId}`, context));
        decipher.setAuthTag(tagBytes);
        const plaintext = Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64url')),
          decipher.final(),
        ]);
        return { plaintext };
      } catch {
        // A failed tag check: tampered, sealed under another key with the same id, or for another context.
        return { refused: 'unreadable' };
      }
    },
  };
}

/** The id a sealed value names, without opening it (which key to rotate away from); undefined if not one of ours. */
export function sealingKeyIdOf(sealed: string): string | undefined {
  const [version, keyId] = sealed.split('.');
  return version === VERSION && keyId !== undefined && KEY_ID.test(keyId) ? keyId : undefined;
}
