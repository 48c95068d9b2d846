// Which keys of the ES256 ring verify access tokens (DESIGN section 10): the active key and the retiring ones. A
// `next` key is published so verifiers fetch it ahead of time, but it has signed nothing, so a token naming it is a
// forgery (or a stolen private key used early); a retiring key's tokens verify until its file is removed.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  keyFileName,
  newKeyFile,
  readKeyFile,
  writeKeyFile,
  type KeyState,
  type SigningKeyFile,
} from '../../src/keys/signing-key-file.js';
import { registerAndLogIn } from '../helpers/accounts.js';
import { expectError, profile } from '../helpers/api-calls.js';
import { es256Signer, resignedWith } from '../helpers/forged-es256-tokens.js';
import { buildTestApp } from '../helpers/test-app.js';

const ES256 = { JWT_ACCESS_ALG: 'ES256' };

const readFile = (dir: string, kid: string) =>
  JSON.parse(readFileSync(join(dir, keyFileName(kid)), 'utf8')) as SigningKeyFile;

function setState(dir: string, kid: string, state: KeyState, at: Date) {
  const file = readFile(dir, kid);
  writeKeyFile(dir, {
    ...file,
    state,
    ...(state === 'active' ? { activatedAt: at.toISOString() } : {}),
    ...(state === 'retiring' ? { retiredAt: at.toISOString() } : {}),
  });
}

const publishedKids = async (app: Parameters<typeof request>[0]) =>
  (
    (await request(app).get('/.well-known/jwks.json').expect(200)).body as {
      keys: [{ kid: string }];
    }
  ).keys
    .map((key) => key.kid)
    .sort();

describe('ES256 key states and access-token verification', () => {
  it('when a token is signed by a next key (published, not signing), then it is refused as TOKEN_INVALID', async () => {
    const { app, config, clock, signing } = buildTestApp({ env: ES256 });
    const login = await registerAndLogIn(app);
    const dir = config.jwt.keysDir;
    const next = newKeyFile(new Date(clock.now()));
    const nextKey = readKeyFile(writeKeyFile(dir, next));
    signing.reload();

    const forged = resignedWith(
      login.accessToken,
      { kid: next.kid },
      es256Signer(nextKey.privateKey),
    );

    expect(await publishedKids(app)).toContain(next.kid);
    expectError(await profile(app, forged), 'TOKEN_INVALID');
    expect((await profile(app, login.accessToken)).status).toBe(200);
  });

  it('when the active key is retired after a promotion, then its tokens verify until its file is removed', async () => {
    const { app, config, clock, signing } = buildTestApp({ env: ES256 });
    const dir = config.jwt.keysDir;
    const before = await registerAndLogIn(app);
    const [oldKid] = await publishedKids(app);
    if (oldKid === undefined) throw new Error('no key');
    const next = newKeyFile(new Date(clock.now()));
    writeKeyFile(dir, next);
    signing.reload();

    setState(dir, next.kid, 'active', new Date(clock.now()));
    setState(dir, oldKid, 'retiring', new Date(clock.now()));
    signing.reload();
    const after = await registerAndLogIn(app);

    expect(signing.keys.signingKey().kid).toBe(next.kid);
    expect((await profile(app, before.accessToken)).status).toBe(200);
    expect((await profile(app, after.accessToken)).status).toBe(200);

    rmSync(join(dir, keyFileName(oldKid)));
    signing.reload();

    expect(await publishedKids(app)).toEqual([next.kid]);
    expectError(await profile(app, before.accessToken), 'TOKEN_INVALID');
    expect((await profile(app, after.accessToken)).status).toBe(200);
  });
});
