// The ES256 key ring as the server holds it: read from JWT_KEYS_DIR at start and again whenever the directory
// changes (a file watch, or SIGHUP), so `npm run keys` steps reach a running server without a restart. A directory
// that reads badly (a half-done edit, a file with the wrong mode) leaves the ring as it was and says why in the log:
// a server never stops signing because an operator is mid-step.
import { existsSync, mkdirSync, readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../observability/logger.js';
import {
  KeyFileError,
  newKeyFile,
  readKeyFile,
  writeKeyFile,
  type SigningKey,
} from './signing-key-file.js';

export interface SigningKeyRing {
  /** The one key that signs. */
  active: SigningKey;
  /** Every key whose tokens verify, by kid: the active key and the retiring ones (a `next` key has signed nothing). */
  verifying: ReadonlyMap<string, SigningKey>;
  /** What the JWKS publishes: next, active and retiring keys, public members only. */
  published: readonly SigningKey[];
}

/** Reads every key file of `dir` into a ring; throws KeyFileError unless exactly one key is active. */
export function readSigningKeyRing(dir: string): SigningKeyRing {
  if (!existsSync(dir)) {
    throw new KeyFileError(
      `${dir}: does not exist (JWT_KEYS_DIR); create a key with npm run keys -- create, then promote it`,
    );
  }
  const keys = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => readKeyFile(join(dir, name)));
  const active = keys.filter((key) => key.state === 'active');
  if (active.length !== 1) {
    throw new KeyFileError(
      `${dir}: needs exactly one active key, has ${String(active.length)} (npm run keys -- list)`,
    );
  }
  const [signing] = active as [SigningKey];
  const verifying = new Map(
    keys.filter((key) => key.state !== 'next').map((key) => [key.kid, key] as const),
  );
  return { active: signing, verifying, published: keys };
}

/**
 * Development with no key yet: one new key, active at once, so `npm start` signs ES256 with no set-up. Production
 * never gets here (config requires the directory's keys).
 */
export function createFirstKeyIfEmpty(dir: string, now: Date): boolean {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (readdirSync(dir).some((name) => name.endsWith('.json'))) return false;
  const file = newKeyFile(now);
  writeKeyFile(dir, { ...file, state: 'active', activatedAt: now.toISOString() });
  return true;
}

export interface SigningKeyRingSource {
  current(): SigningKeyRing;
  /** Reads the directory again; keeps the ring it has when the directory reads badly. */
  reload(): void;
  /** Reloads on changes to the directory until closed. */
  watch(): void;
  close(): void;
}

/** How long a burst of file events (a write through a temporary name, a rename) is let settle before reading. */
const SETTLE_MS = 50;

export function createSigningKeyRingSource(dir: string, logger: Logger): SigningKeyRingSource {
  let ring = readSigningKeyRing(dir);
  let watcher: FSWatcher | undefined;
  let pending: NodeJS.Timeout | undefined;

  function reload(): void {
    try {
      const next = readSigningKeyRing(dir);
      const changed =
        next.active.kid !== ring.active.kid ||
        next.published.map(describe).join() !== ring.published.map(describe).join();
      ring = next;
      if (changed) {
        logger.info(
          { activeKid: ring.active.kid, keys: ring.published.map(describe) },
          'signing keys reloaded',
        );
      }
    } catch (error) {
      if (!(error instanceof KeyFileError) && !isFileError(error)) throw error;
      logger.error(
        { err: error, activeKid: ring.active.kid },
        'signing keys not reloaded; the previous ones stay in use',
      );
    }
  }

  return {
    current: () => ring,
    reload,
    watch() {
      watcher ??= watch(dir, () => {
        clearTimeout(pending);
        pending = setTimeout(reload, SETTLE_MS);
        pending.unref();
      });
      watcher.unref();
    },
    close() {
      clearTimeout(pending);
      watcher?.close();
    },
  };
}

const describe = (key: SigningKey) => `${key.kid}:${key.state}`;

const isFileError = (error: unknown) =>
  error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string';
