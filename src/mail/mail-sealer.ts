// Seals a queued mail's content (recipient, subject, link), or a mail request (which names an address too), with
// AES-256-GCM before it reaches the store, so a copy of the database or a backup holds no working reset link and no
// address list. Each sealed value names the key that
// sealed it: OUTBOX_KEY seals, and previous keys still open what was queued before a rotation.
import { createSealedBox, derivedSealingKey, type SealingKey } from '../sealing/sealed-box.js';
import {
  sealedBodySchema,
  type MailContent,
  type MailRequest,
  type SealedBody,
} from './mail-message.js';

export type { SealingKey } from '../sealing/sealed-box.js';

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

/** An outbox key, its id derived from its bytes (values sealed before the id was derived here open unchanged). */
export const sealingKey = (key: Buffer): SealingKey => derivedSealingKey(key, 'outbox');

export function createMailSealer(keys: {
  current: SealingKey;
  previous?: readonly SealingKey[];
}): MailSealer {
  const box = createSealedBox(keys);
  return {
    seal: (body) => box.seal(Buffer.from(JSON.stringify(sealedBodySchema.parse(body)))),
    open(sealed) {
      const opened = box.open(sealed);
      if ('refused' in opened) return opened;
      try {
        const parsed = sealedBodySchema.safeParse(JSON.parse(opened.plaintext.toString('utf8')));
        if (!parsed.success) return { refused: 'unreadable' };
        return 'request' in parsed.data
          ? { request: parsed.data.request }
          : { content: parsed.data };
      } catch {
        // Authentic, but not JSON: nothing we sealed.
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
