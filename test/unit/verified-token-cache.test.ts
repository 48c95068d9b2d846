// The process's memory of verified ES256 access tokens: a hit needs an unexpired token whose key still verifies, and
// the memory is bounded.
import { describe, expect, it } from 'vitest';
import { createVerifiedTokenCache } from '../../src/auth/tokens/verified-token-cache.js';
import { createTokenService } from '../../src/auth/tokens/token-service.js';
import { ringAccessTokenKeys } from '../../src/keys/access-token-keys.js';
import { readSigningKeyRing } from '../../src/keys/signing-key-ring.js';
import { newKeyFile, writeKeyFile } from '../../src/keys/signing-key-file.js';
import { loadConfig } from '../../src/config/config.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { TEST_SECRETS, temporaryKeysDir } from '../helpers/test-app.js';
import { mkdirSync } from 'node:fs';

describe('verified token cache', () => {
  it('when a remembered token has expired, then it is forgotten', () => {
    const cache = createVerifiedTokenCache<{ exp: number }>(10);
    cache.remember('a', { exp: 100 });

    expect(cache.get('a', 99)).toEqual({ exp: 100 });
    expect(cache.get('a', 100)).toBeUndefined();
    expect(cache.get('a', 50)).toBeUndefined();
  });

  it('when it is full, then the oldest entry makes room', () => {
    const cache = createVerifiedTokenCache<{ exp: number }>(2);
    cache.remember('a', { exp: 100 });
    cache.remember('b', { exp: 100 });
    cache.remember('c', { exp: 100 });

    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.get('b', 0)).toEqual({ exp: 100 });
    expect(cache.get('c', 0)).toEqual({ exp: 100 });
  });
});

describe('ES256 access-token verification with the cache', () => {
  function es256Service() {
    const dir = temporaryKeysDir();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const now = new Date('2026-03-01T12:00:00.000Z');
    writeKeyFile(dir, { ...newKeyFile(now), state: 'active', activatedAt: now.toISOString() });
    let ring = readSigningKeyRing(dir);
    const keys = ringAccessTokenKeys({ current: () => ring });
    const { config } = loadConfig({ NODE_ENV: 'test', ...TEST_SECRETS });
    const clock = new FakeClock(now.getTime());
    const tokens = createTokenService(config.jwt, clock, keys);
    const retireAll = () => {
      ring = { ...ring, verifying: new Map() };
    };
    return { tokens, clock, retireAll };
  }

  const subject = {
    userId: 'u1',
    role: 'user' as const,
    emailVerified: true,
    sessionId: 's1',
    amr: ['pwd'] as const,
    notAfter: new Date('2026-04-01T00:00:00.000Z'),
  };

  it('when a verified token expires, then it is expired, not served from memory', () => {
    const { tokens, clock } = es256Service();
    const { token } = tokens.issueAccessToken(subject);
    expect(tokens.verifyAccessToken(token).status).toBe('valid');

    clock.advance('16m');

    expect(tokens.verifyAccessToken(token).status).toBe('expired');
  });

  it('when the key of a verified token stops verifying, then the token is invalid at once', () => {
    const { tokens, retireAll } = es256Service();
    const { token } = tokens.issueAccessToken(subject);
    expect(tokens.verifyAccessToken(token).status).toBe('valid');

    retireAll();

    expect(tokens.verifyAccessToken(token).status).toBe('invalid');
  });
});
