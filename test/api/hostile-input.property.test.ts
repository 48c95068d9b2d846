// Property-based hostile input (issue 4): arbitrary JSON, Authorization values, query strings and raw bodies at every
// endpoint, each answer checked by HostileTarget.expectSafeAnswer (no 5xx, the error shape, nothing stored by a
// refusal, no secret leaked, no polluted prototype), then the app checked to be still serving.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { registerBody } from '../../src/auth/auth-schemas.js';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { resigned, withAlgNone, withTamperedPayload } from '../helpers/forged-tokens.js';
import { hostileBody } from '../helpers/hostile-arbitraries.js';
import {
  alteredSecret,
  authorizationValue,
  queryString,
  rawBody,
} from '../helpers/hostile-request-parts.js';
import { HostileTarget, type Endpoint } from '../helpers/hostile-target.js';
import { TEST_SECRETS } from '../helpers/test-app.js';

const RUNS = 250;

const localPart = fc.string({
  unit: fc.constantFrom(...Array.from('abcxyz0189._-')),
  minLength: 1,
  maxLength: 12,
});

interface Details {
  details?: { path: string }[];
}

/** The known account's exact credentials, and nothing else, as login's schema would read them. */
function isExactLogin(text: string, known: { email: string; password: string }): boolean {
  const body = JSON.parse(text) as unknown;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  if (Object.keys(body).sort().join() !== 'email,password') return false;
  const { email, password } = body as Record<string, unknown>;
  return (
    typeof email === 'string' &&
    email.normalize('NFC').trim().toLowerCase() === known.email &&
    password === known.password
  );
}

/** `Bearer <token>` exactly, judged on what Node hands the app: the value without surrounding spaces and tabs. */
const isExactBearer = (header: string | undefined, token: string) =>
  header !== undefined &&
  /^bearer +(\S+)$/i.exec(header.replace(/^[ \t]+|[ \t]+$/g, ''))?.[1] === token;

describe('hostile input at every endpoint (property-based)', () => {
  it('when arbitrary JSON is posted to register, then only a valid account with a free email is stored', async () => {
    const target = await HostileTarget.arrange();
    const { email, password } = target.known.account;
    const body = hostileBody({
      email: fc.oneof(
        localPart.map((local) => `${local}@example.com`),
        localPart.map((local) => ` ${local.toUpperCase()}@Example.COM\t`),
        fc.emailAddress(),
        fc.constantFrom(email, email.toUpperCase(), ` ${email}\t`),
      ),
      password: fc.oneof(
        fc.constantFrom('Kx7!vq-Plover-93', password),
        fc.string({ unit: 'grapheme', maxLength: 12 }).map((suffix) => `Kx7!vq-${suffix}`),
      ),
      name: fc.oneof(fc.constant('Ada Lovelace'), fc.string({ unit: 'grapheme', maxLength: 30 })),
    });
    const { bodyLimitBytes } = target.testApp.config.http;

    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const before = target.mark();
        const parsed = registerBody.safeParse(JSON.parse(text));
        const valid = parsed.success && Buffer.byteLength(text) <= bodyLimitBytes;
        const taken = parsed.success && (await target.emailTaken(parsed.data.email));

        const response = await target.postJson('/api/auth/register', text);

        target.expectSafeAnswer(response, before);
        if (valid) expect(response.status, text).toBe(taken ? 409 : 201);
        else expect(response.status, text).toBeGreaterThanOrEqual(400);
        if (response.status === 201) {
          expect(target.count('users.createUser', before)).toBe(1);
          expect(target.count('sessions.openSession', before)).toBe(0);
        }
      }),
      { numRuns: RUNS },
    );
    await target.expectStillServing();
  });

  it('when arbitrary JSON is posted to login, then only the exact known credentials open a session', async () => {
    const target = await HostileTarget.arrange();
    const { account } = target.known;
    const { email, password } = account;
    const body = hostileBody({
      email: fc.constantFrom(
        email,
        email.toUpperCase(),
        ` ${email}\t`,
        `${email}\u200B`,
        `${email}.`,
      ),
      password: fc.oneof(fc.constant(password), alteredSecret(password)),
    });

    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const before = target.mark();

        const response = await target.postJson('/api/auth/login', text);

        target.expectSafeAnswer(response, before);
        const exact = isExactLogin(text, account);
        if (exact) expect(response.status, text).toBe(200);
        else expect(response.status, text).toBeGreaterThanOrEqual(400);
        if (exact) expect(target.count('sessions.openSession', before)).toBe(1);
      }),
      { numRuns: RUNS },
    );
    await target.expectStillServing();
  });

  it.each(['refresh', 'logout'])(
    'when arbitrary JSON is posted to %s, then it is refused and the known session lives on',
    async (endpoint) => {
      const target = await HostileTarget.arrange();
      const { accessToken, refreshToken } = target.known;
      const body = hostileBody({
        refreshToken: fc.oneof(
          alteredSecret(refreshToken),
          alteredSecret(accessToken),
          fc.constant(accessToken),
          fc.constant(withAlgNone(refreshToken)),
          fc.constant(withTamperedPayload(refreshToken, { sub: 'someone-else' })),
          fc.constant(resigned(refreshToken, TEST_SECRETS.JWT_ACCESS_SECRET)),
        ),
      });

      await fc.assert(
        fc.asyncProperty(body, async (text) => {
          const before = target.mark();

          const response = await target.postJson(`/api/auth/${endpoint}`, text);

          target.expectSafeAnswer(response, before);
          expect(response.status, text).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: RUNS },
      );
      await target.expectStillServing();
    },
  );

  it.each([
    ['password/reset', { newPassword: fc.constant('Brand-new-kettle-9!') }],
    ['email/verify', {}],
    ['email/change/confirm', {}],
  ])(
    'when arbitrary JSON is posted to %s, then no link is consumed and nothing is stored',
    async (endpoint, fields) => {
      const target = await HostileTarget.arrange();
      const tokenShaped = fc
        .tuple(
          fc.constantFrom('rst_', 'vfy_', 'chg_', ''),
          fc.base64String({ minLength: 0, maxLength: 60 }),
        )
        .map(([prefix, body]) => prefix + body);
      const body = hostileBody({ token: tokenShaped, ...fields });

      await fc.assert(
        fc.asyncProperty(body, async (text) => {
          const before = target.mark();

          const response = await target.postJson(`/api/auth/${endpoint}`, text);

          target.expectSafeAnswer(response, before);
          expect(response.status, text).toBeGreaterThanOrEqual(400);
        }),
        { numRuns: RUNS },
      );
      await target.expectStillServing();
    },
  );

  it('when the profile is asked for with arbitrary Authorization values, then only the exact Bearer access token gets it', async () => {
    const target = await HostileTarget.arrange();
    const { accessToken, refreshToken } = target.known;

    await fc.assert(
      fc.asyncProperty(authorizationValue([accessToken, refreshToken]), async (header) => {
        const before = target.mark();

        const response = await target.getProfile(header);

        target.expectSafeAnswer(response, before);
        expect(target.testApp.writes.since(before), 'a GET changed the store').toEqual([]);
        const exact = isExactBearer(header, accessToken);
        expect(response.status, JSON.stringify(header)).toBe(exact ? 200 : 401);
        if (!exact)
          expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="auth-api"/);
      }),
      { numRuns: RUNS },
    );
    await target.expectStillServing();
  });

  it('when an otherwise valid request carries an arbitrary query string, then 400 naming the query and nothing changes', async () => {
    const target = await HostileTarget.arrange();
    const endpoint = fc.constantFrom<Endpoint>('register', 'login', 'refresh', 'logout', 'profile');

    await fc.assert(
      fc.asyncProperty(endpoint, queryString, async (name, query) => {
        const before = target.mark();

        const response = await target.validRequest(name, `?${query}`);

        target.expectSafeAnswer(response, before);
        expect(response.body).toMatchObject({ error: ErrorCodes.VALIDATION_ERROR });
        const paths = ((response.body as Details).details ?? []).map((detail) => detail.path);
        expect(
          paths.some((path) => path.startsWith('query.')),
          paths.join(),
        ).toBe(true);
      }),
      { numRuns: RUNS },
    );
    await target.expectStillServing();
  });

  it('when a body is not JSON, not UTF-8 or compressed, then it is refused and nothing changes', async () => {
    const target = await HostileTarget.arrange();
    const path = fc
      .constantFrom('register', 'login', 'refresh', 'logout')
      .map((name) => `/api/auth/${name}`);

    await fc.assert(
      fc.asyncProperty(path, rawBody, async (url, raw) => {
        const before = target.mark();

        const response = await target.postRaw(url, raw);

        target.expectSafeAnswer(response, before);
        expect(response.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: RUNS },
    );
    await target.expectStillServing();
  });
});
