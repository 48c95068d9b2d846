// The rotation drill of DESIGN section 10 (issue 21, item 5), over the wire: a resource server holding only our
// JWKS URL (jose's createRemoteJWKSet + jwtVerify) verifies access tokens all through create, promote and retire,
// while a user signed in the whole time keeps refreshing. The steps are the ones `npm run keys` runs, on the app's
// key directory at the app's fake time; signing.reload() stands for the server's file watch (or SIGHUP).
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  jwtVerify,
  type JWTVerifyGetKey,
} from 'jose';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createKey, promoteKey, retireKey, type StepContext } from '../../src/keys/key-steps.js';
import { createAuditLog } from '../../src/observability/audit-log.js';
import { registerAndLogIn } from '../helpers/accounts.js';
import { expectError, profile, refresh } from '../helpers/api-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

interface PublishedSet {
  keys: Array<{ kid: string }>;
}

async function listening(app: ReturnType<typeof buildTestApp>['app']): Promise<URL> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  onTestFinished(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  );
  const { port } = server.address() as AddressInfo;
  return new URL(`http://127.0.0.1:${String(port)}/.well-known/jwks.json`);
}

describe('signing-key rotation drill', () => {
  it('when a key is created, promoted after the lead time and the old one retired after the access TTL, then a remote verifier accepts every live token throughout and a signed-in user never notices', async () => {
    const { app, config, clock, logger, signing } = buildTestApp({
      env: { JWT_ACCESS_ALG: 'ES256', JWKS_MAX_AGE: '60' },
    });
    const jwksUrl = await listening(app);
    // A verifier that fetches the set whenever it meets a kid it lacks (no cooldown: the drill's time is fake).
    const remote = createRemoteJWKSet(jwksUrl, { cacheMaxAge: 0, cooldownDuration: 0 });
    const verify = (token: string, set: JWTVerifyGetKey = remote) =>
      jwtVerify(token, set, {
        algorithms: ['ES256'],
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
        currentDate: new Date(clock.now()),
      });
    const kidOf = (token: string) => decodeProtectedHeader(token).kid;
    const published = async () =>
      (
        (await request(app).get('/.well-known/jwks.json').expect(200)).body as PublishedSet
      ).keys.map((key) => key.kid);
    const step = (): StepContext => ({
      dir: config.jwt.keysDir,
      now: new Date(clock.now()),
      times: {
        leadTimeSeconds: config.jwks.leadTimeSeconds,
        accessTtlSeconds: config.jwt.accessTtlSeconds,
      },
      audit: createAuditLog(logger),
    });
    let session = await registerAndLogIn(app);
    const keepRefreshing = async () => {
      const answer = await refresh(app, session.refreshToken).expect(200);
      const pair = (answer.body as { data: { accessToken: string; refreshToken: string } }).data;
      session = { ...session, ...pair };
      expect((await profile(app, session.accessToken)).status).toBe(200);
      return session.accessToken;
    };
    const firstToken = session.accessToken;
    const oldKid = kidOf(firstToken);
    await verify(firstToken);

    // create: published at once, signing nothing yet.
    const { kid: newKid } = createKey(step());
    signing.reload();
    expect((await published()).sort()).toEqual([oldKid, newKid].sort());
    // What any cache filled from now on holds, for up to JWKS_MAX_AGE.
    const cachedAfterCreate = createLocalJWKSet(
      (await request(app).get('/.well-known/jwks.json')).body as Parameters<
        typeof createLocalJWKSet
      >[0],
    );
    await verify(firstToken);
    expect(kidOf(await keepRefreshing())).toBe(oldKid);
    expect(promoteKey(step())).toMatchObject({ outcome: 'too_early', kid: newKid });

    // promote, after the lead time: new tokens carry the new kid; the old key's tokens still verify.
    clock.advance('16m');
    const lastOldToken = await keepRefreshing();
    expect(kidOf(lastOldToken)).toBe(oldKid);
    expect(promoteKey(step())).toMatchObject({
      outcome: 'promoted',
      kid: newKid,
      retiringKid: oldKid,
    });
    signing.reload();
    const newToken = await keepRefreshing();
    expect(kidOf(newToken)).toBe(newKid);
    await verify(newToken);
    await verify(newToken, cachedAfterCreate);
    await verify(lastOldToken);
    expect((await profile(app, lastOldToken)).status).toBe(200);
    expect((await published()).sort()).toEqual([oldKid, newKid].sort());

    // retire: refused while the old key's last token may be live; after the access TTL (+ 60 s) it goes.
    clock.advance('15m');
    expect(retireKey(step(), oldKid ?? '')).toMatchObject({ outcome: 'too_early' });
    clock.advance('1m');
    expectError(await profile(app, lastOldToken), 'TOKEN_EXPIRED');
    await expect(verify(lastOldToken)).rejects.toMatchObject({ code: 'ERR_JWT_EXPIRED' });
    expect(retireKey(step(), oldKid ?? '')).toMatchObject({ outcome: 'retired', kid: oldKid });
    signing.reload();

    expect(await published()).toEqual([newKid]);
    // Now refused for its key, not only its age: no key of ours answers to that kid any more.
    expectError(await profile(app, lastOldToken), 'TOKEN_INVALID');
    await expect(verify(lastOldToken)).rejects.toMatchObject({ code: 'ERR_JWKS_NO_MATCHING_KEY' });
    const latest = await keepRefreshing();
    expect(kidOf(latest)).toBe(newKid);
    await verify(latest);
  });
});
