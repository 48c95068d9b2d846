// GET /.well-known/jwks.json and ES256 access tokens (DESIGN section 10), through the API: what is published (public
// members only, nothing in HS256 mode), how it may be cached, and that a verifier holding only the published set
// verifies our access tokens with jose, picking the key by kid.
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { registerAndLogIn } from '../helpers/accounts.js';
import { profile, refresh } from '../helpers/api-calls.js';
import { buildTestApp } from '../helpers/test-app.js';

const ES256 = { JWT_ACCESS_ALG: 'ES256' };

const jwks = (app: Parameters<typeof request>[0]) => request(app).get('/.well-known/jwks.json');

describe('GET /.well-known/jwks.json', () => {
  it('when access tokens are HS256 (the default), then the set is empty: no secret is ever published', async () => {
    const { app } = buildTestApp();

    const answer = await jwks(app).expect(200);

    expect(answer.body).toEqual({ keys: [] });
  });

  it('when access tokens are ES256, then the active key is published with public members only', async () => {
    const { app } = buildTestApp({ env: ES256 });

    const answer = await jwks(app).expect(200);

    const { keys } = answer.body as { keys: Array<Record<string, unknown>> };
    expect(keys).toHaveLength(1);
    expect(Object.keys(keys[0] ?? {}).sort()).toEqual([
      'alg',
      'crv',
      'kid',
      'kty',
      'use',
      'x',
      'y',
    ]);
    expect(keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(JSON.stringify(answer.body)).not.toContain('"d"');
  });

  it('when fetched, then it may be cached for JWKS_MAX_AGE by anyone, read from any origin, and revalidated with its ETag', async () => {
    const { app } = buildTestApp({ env: { ...ES256, JWKS_MAX_AGE: '120' } });

    const first = await jwks(app).set('Origin', 'https://elsewhere.example').expect(200);

    expect(first.headers['cache-control']).toBe('public, max-age=120');
    expect(first.headers['access-control-allow-origin']).toBe('*');
    expect(first.headers['access-control-allow-credentials']).toBeUndefined();
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const again = await jwks(app).set('If-None-Match', etag).expect(304);
    expect(again.text).toBe('');
    await jwks(app).set('If-None-Match', '"something-else"').expect(200);
  });

  it('when a user signs in under ES256, then a verifier holding only the published set verifies the access token with jose', async () => {
    const { app, config, clock } = buildTestApp({ env: ES256 });
    const login = await registerAndLogIn(app);
    const body = (await jwks(app).expect(200)).body as { keys: [{ kid: string }] };

    const header = decodeProtectedHeader(login.accessToken);
    const set = createLocalJWKSet(body);
    const { payload } = await jwtVerify(login.accessToken, set, {
      algorithms: ['ES256'],
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      currentDate: new Date(clock.now()),
    });

    expect(header).toMatchObject({
      alg: 'ES256',
      kid: body.keys[0].kid,
    });
    expect(payload).toMatchObject({ sub: login.account.id, typ: 'access' });
    expect((await profile(app, login.accessToken)).status).toBe(200);
    // Refresh tokens stay HS256 with the refresh secret: only we verify them.
    expect(decodeProtectedHeader(login.refreshToken).alg).toBe('HS256');
    const refreshed = await refresh(app, login.refreshToken).expect(200);
    const pair = (refreshed.body as { data: { accessToken: string } }).data;
    expect(decodeProtectedHeader(pair.accessToken).alg).toBe('ES256');
  });
});
