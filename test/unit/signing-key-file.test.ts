// One ES256 key file on disk (src/keys/signing-key-file.ts): what reading it refuses (a file others may read, another
// key type or curve, a kid that is not the thumbprint, a name that is not the kid, a state or member we do not know,
// broken JSON), and that our RFC 7638 thumbprint is the one jose computes.
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  jwkThumbprint,
  KeyFileError,
  keyFileName,
  newKeyFile,
  readKeyFile,
  writeKeyFile,
  type SigningKeyFile,
} from '../../src/keys/signing-key-file.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function keysDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-key-file-'));
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Writes `content` as `<name>` with mode 0600 (whatever the umask), as a careless or hostile hand might. */
function writeRaw(dir: string, name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  chmodSync(path, 0o600);
  return path;
}

/** A key file of another key type or curve, with a kid that is its own thumbprint, so only the type is wrong. */
function foreignKeyFile(options: Parameters<typeof generateKeyPairSync>[1], type: 'ec' | 'rsa') {
  const { privateKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', options as { namedCurve: string })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' }) as Record<string, string>;
  const kid = jwkThumbprint({
    crv: jwk.crv ?? '',
    kty: jwk.kty ?? '',
    x: jwk.x ?? '',
    y: jwk.y ?? '',
  });
  return { ...newKeyFile(NOW), kid, jwk } as unknown as SigningKeyFile;
}

const refusal = (path: string) => {
  try {
    readKeyFile(path);
  } catch (error) {
    expect(error).toBeInstanceOf(KeyFileError);
    return (error as Error).message;
  }
  throw new Error(`${path} was read`);
};

describe('reading a signing key file', () => {
  it('when the file is one writeKeyFile wrote, then it reads back as the same key, public members published only', () => {
    const dir = keysDir();
    const file = newKeyFile(NOW);

    const key = readKeyFile(writeKeyFile(dir, file));

    expect(key).toMatchObject({ kid: file.kid, state: 'next', createdAt: NOW, activatedAt: null });
    expect(Object.keys(key.publicJwk).sort()).toEqual([
      'alg',
      'crv',
      'kid',
      'kty',
      'use',
      'x',
      'y',
    ]);
  });

  it.each([0o640, 0o604, 0o644, 0o660, 0o606])(
    'when its mode is %o, then it is refused with the chmod 600 advice',
    (mode) => {
      const dir = keysDir();
      const path = writeKeyFile(dir, newKeyFile(NOW));
      chmodSync(path, mode);

      expect(refusal(path)).toContain('chmod 600');
    },
  );

  it.each([
    ['a P-384 key', () => foreignKeyFile({ namedCurve: 'P-384' }, 'ec')],
    ['an RSA key', () => foreignKeyFile(undefined, 'rsa')],
  ])('when it holds %s, then it is refused as not an ES256 (P-256) key file', (_, make) => {
    const dir = keysDir();
    const file = make();

    const message = refusal(writeRaw(dir, keyFileName(file.kid), JSON.stringify(file)));

    expect(message).toContain('is not an ES256 (P-256) signing key file');
  });

  it("when its kid is not its key's thumbprint, then it is refused", () => {
    const dir = keysDir();
    const file = { ...newKeyFile(NOW), kid: newKeyFile(NOW).kid };

    const message = refusal(writeRaw(dir, keyFileName(file.kid), JSON.stringify(file)));

    expect(message).toContain('its kid is not its key thumbprint');
  });

  it('when its name is not <kid>.json, then it is refused, naming the name it must have', () => {
    const dir = keysDir();
    const file = newKeyFile(NOW);
    const path = join(dir, 'renamed.json');
    renameSync(writeKeyFile(dir, file), path);

    expect(refusal(path)).toContain(`must be named ${keyFileName(file.kid)}`);
  });

  it.each([
    ['an unknown state', (file: SigningKeyFile) => ({ ...file, state: 'retired' })],
    ['an extra top-level member', (file: SigningKeyFile) => ({ ...file, owner: 'ops' })],
    [
      'an extra JWK member',
      (file: SigningKeyFile) => ({ ...file, jwk: { ...file.jwk, alg: 'HS256' } }),
    ],
    [
      'no private member d',
      (file: SigningKeyFile) => ({ ...file, jwk: { ...file.jwk, d: undefined } }),
    ],
  ])('when it has %s, then it is refused', (_, change) => {
    const dir = keysDir();
    const file = newKeyFile(NOW);

    const message = refusal(writeRaw(dir, keyFileName(file.kid), JSON.stringify(change(file))));

    expect(message).toContain('is not an ES256 (P-256) signing key file');
  });

  it('when it is not JSON, then it is refused, naming the file', () => {
    const dir = keysDir();
    const file = newKeyFile(NOW);
    const path = writeRaw(dir, keyFileName(file.kid), JSON.stringify(file).slice(0, 40));

    expect(refusal(path)).toContain(path);
  });
});

describe('the key thumbprint (kid)', () => {
  it("when computed for a new key, then it equals jose's RFC 7638 thumbprint of the same public key", async () => {
    const file = newKeyFile(NOW);
    const { kty, crv, x, y } = file.jwk;

    expect(file.kid).toBe(await calculateJwkThumbprint({ kty, crv, x, y }, 'sha256'));
    expect(file.kid).toBe(await calculateJwkThumbprint(file.jwk, 'sha256'));
  });
});
