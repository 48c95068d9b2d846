// The keys access tokens are signed and verified with, whichever the algorithm (DESIGN section 10): HS256 with the
// access secret (and its previous one, verifying only), or ES256 with the active key of the ring in JWT_KEYS_DIR (and
// the retiring ones, verifying only). Verification looks a token's kid up here and nowhere else: never a key or a
// key URL from the token's own header.
import type { KeyObject } from 'node:crypto';
import type { Config } from '../config/config.js';
import type { Logger } from '../observability/logger.js';
import { createKeyRing } from './secret-key-ring.js';
import type { SigningKey } from './signing-key-file.js';
import {
  createFirstKeyIfEmpty,
  createSigningKeyRingSource,
  type SigningKeyRingSource,
} from './signing-key-ring.js';

export type PublicJwk = SigningKey['publicJwk'];

export interface AccessTokenKeys {
  readonly algorithm: 'HS256' | 'ES256';
  /** The key that signs now, and the kid tokens name it by. */
  signingKey(): { kid: string; key: KeyObject };
  /** The key a token naming `kid` is verified with; undefined for any kid not ours. */
  verifyingKey(kid: string): KeyObject | undefined;
  /** What GET /.well-known/jwks.json publishes: public keys only, none at all for HS256. */
  publishedKeys(): readonly PublicJwk[];
  /** When the signing key started signing (the key-age metric); undefined for a secret. */
  activeSince(): Date | undefined;
}

export function secretAccessTokenKeys(jwt: Config['jwt']): AccessTokenKeys {
  const ring = createKeyRing(jwt.accessSecret, jwt.accessSecretPrevious);
  return {
    algorithm: 'HS256',
    signingKey: () => ring.signing,
    verifyingKey: (kid) => ring.verifying.get(kid),
    publishedKeys: () => [],
    activeSince: () => undefined,
  };
}

export function ringAccessTokenKeys(
  source: Pick<SigningKeyRingSource, 'current'>,
): AccessTokenKeys {
  return {
    algorithm: 'ES256',
    signingKey() {
      const { active } = source.current();
      return { kid: active.kid, key: active.privateKey };
    },
    verifyingKey: (kid) => source.current().verifying.get(kid)?.publicKey,
    publishedKeys: () => source.current().published.map((key) => key.publicJwk),
    activeSince: () => source.current().active.activatedAt ?? source.current().active.createdAt,
  };
}

export interface OpenedAccessTokenKeys {
  keys: AccessTokenKeys;
  /** Reads JWT_KEYS_DIR again (SIGHUP); a no-op for HS256. */
  reload(): void;
  close(): void;
}

/**
 * The configured keys, ready to sign. ES256 reads the ring (throwing KeyFileError when it is unusable) and watches
 * the directory; development with an empty directory gets a first key, production never does (an operator creates
 * keys with npm run keys, so each instance signs with the key every other one publishes).
 */
export function openAccessTokenKeys(
  config: Config,
  logger: Logger,
  now: Date,
  options: { watch?: boolean } = {},
): OpenedAccessTokenKeys {
  if (config.jwt.accessAlg === 'HS256') {
    return {
      keys: secretAccessTokenKeys(config.jwt),
      reload: () => undefined,
      close: () => undefined,
    };
  }
  const dir = config.jwt.keysDir;
  if (config.env !== 'production' && createFirstKeyIfEmpty(dir, now)) {
    logger.warn(
      { dir },
      'JWT_ACCESS_ALG=ES256 and no signing key yet: created one (development only)',
    );
  }
  const source = createSigningKeyRingSource(dir, logger);
  if (options.watch === true) source.watch();
  return {
    keys: ringAccessTokenKeys(source),
    reload: () => {
      source.reload();
    },
    close: () => {
      source.close();
    },
  };
}
