// ES256 access tokens an attacker builds (DESIGN sections 3 and 10): another algorithm under our kid, our public key
// used as an HMAC secret, a signature in another shape, another key under our kid or its own, a key or key URL in the
// header, a key that is published but not yet signing. Each is refused as TOKEN_INVALID on a protected route, and
// changes nothing: no store write, no outbound request, the real token still works.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { registerAndLogIn } from '../helpers/accounts.js';
import { expectError, profile } from '../helpers/api-calls.js';
import {
  attackerKey,
  es256Signer,
  hmacSigner,
  joseToDer,
  otherAlgorithmSigners,
  resignedWith,
  signatureOf,
  withSignature,
} from '../helpers/forged-es256-tokens.js';
import { withAlgNone } from '../helpers/forged-tokens.js';
import { buildTestApp } from '../helpers/test-app.js';

const ES256 = { JWT_ACCESS_ALG: 'ES256' };

/** An ES256 app, a signed-in user, and what an attacker can read of our key: the published JWK. */
async function arrange() {
  const test = buildTestApp({ env: ES256 });
  const login = await registerAndLogIn(test.app);
  const [published] = test.signing.keys.publishedKeys();
  if (published === undefined) throw new Error('no published key');
  const publicKey = test.signing.keys.verifyingKey(published.kid);
  if (publicKey === undefined) throw new Error('the published key does not verify');
  return { ...test, login, published, publicKey };
}

type Arranged = Awaited<ReturnType<typeof arrange>>;

/** Presents `forged`, expects TOKEN_INVALID and no store write, then checks the real token still works. */
async function expectRefused({ app, writes, login }: Arranged, forged: string) {
  const mark = writes.mark();

  expectError(await profile(app, forged), 'TOKEN_INVALID');

  expect(writes.since(mark)).toEqual([]);
  expect((await profile(app, login.accessToken)).status).toBe(200);
}

const half = (signature: Buffer, which: 'r' | 's') => {
  const changed = Buffer.from(signature);
  changed.fill(0, which === 'r' ? 0 : 32, which === 'r' ? 32 : 64);
  return changed;
};

const forgeries: Array<[string, (arranged: Arranged) => string]> = [
  [
    'an HS256 token whose HMAC secret is our public key as PEM, with our kid',
    ({ login, publicKey }) =>
      resignedWith(
        login.accessToken,
        { alg: 'HS256' },
        hmacSigner(publicKey.export({ type: 'spki', format: 'pem' })),
      ),
  ],
  [
    'an HS256 token whose HMAC secret is our published JWK as JSON, with our kid',
    ({ login, published }) =>
      resignedWith(login.accessToken, { alg: 'HS256' }, hmacSigner(JSON.stringify(published))),
  ],
  ['an alg "none" token with our kid', ({ login }) => withAlgNone(login.accessToken)],
  ...['RS256', 'PS256', 'EdDSA', 'ES384'].map((alg): [string, (arranged: Arranged) => string] => [
    `a token with alg ${alg} and our kid, signed with a key of that kind`,
    ({ login }) => {
      const signer = otherAlgorithmSigners()[alg];
      if (signer === undefined) throw new Error(alg);
      return resignedWith(login.accessToken, { alg }, signer);
    },
  ]),
  [
    'our own valid signature, DER-encoded instead of JOSE r || s',
    ({ login }) => withSignature(login.accessToken, joseToDer(signatureOf(login.accessToken))),
  ],
  [
    'an all-zero 64-byte signature',
    ({ login }) => withSignature(login.accessToken, Buffer.alloc(64)),
  ],
  [
    'our signature with r = 0',
    ({ login }) => withSignature(login.accessToken, half(signatureOf(login.accessToken), 'r')),
  ],
  [
    'our signature with s = 0',
    ({ login }) => withSignature(login.accessToken, half(signatureOf(login.accessToken), 's')),
  ],
  [
    "a valid ES256 signature by the attacker's key under our kid",
    ({ login }) => resignedWith(login.accessToken, {}, es256Signer(attackerKey().privateKey)),
  ],
  [
    "a valid ES256 signature by the attacker's key under its own kid",
    ({ login }) => {
      const attacker = attackerKey();
      return resignedWith(
        login.accessToken,
        { kid: attacker.kid },
        es256Signer(attacker.privateKey),
      );
    },
  ],
  ...(['our kid', 'its own kid'] as const).map(
    (which): [string, (arranged: Arranged) => string] => [
      `the attacker's key embedded as a jwk header, under ${which}, with its signature`,
      ({ login, published }) => {
        const attacker = attackerKey();
        const kid = which === 'our kid' ? published.kid : attacker.kid;
        return resignedWith(
          login.accessToken,
          { kid, jwk: { ...attacker.jwk, kid } },
          es256Signer(attacker.privateKey),
        );
      },
    ],
  ),
  [
    "the attacker's public key as an x5c header (never parsed), with its signature",
    ({ login }) => {
      const attacker = attackerKey();
      const der = attacker.publicKey.export({ type: 'spki', format: 'der' });
      return resignedWith(
        login.accessToken,
        { x5c: [der.toString('base64')] },
        es256Signer(attacker.privateKey),
      );
    },
  ],
];

describe('GET /api/auth/profile with ES256 access tokens an attacker built', () => {
  it.each(forgeries)(
    'when presented %s, then 401 TOKEN_INVALID and nothing changes',
    async (_, build) => {
      const arranged = await arrange();

      await expectRefused(arranged, build(arranged));
    },
  );

  describe('key URLs in the header', () => {
    let server: Server | undefined;
    afterEach(() => {
      server?.close();
      server = undefined;
    });

    it.each(['jku', 'x5u'])(
      "when a %s header points at the attacker's key set, then 401 TOKEN_INVALID and the URL is never fetched",
      async (member) => {
        const attacker = attackerKey();
        const hits: string[] = [];
        server = createServer((req, res) => {
          hits.push(req.url ?? '');
          res.setHeader('Content-Type', 'application/json');
          res.end(JSON.stringify({ keys: [{ ...attacker.jwk, kid: attacker.kid, alg: 'ES256' }] }));
        });
        await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as AddressInfo;
        const arranged = await arrange();

        for (const kid of [arranged.published.kid, attacker.kid]) {
          const forged = resignedWith(
            arranged.login.accessToken,
            { kid, [member]: `http://127.0.0.1:${String(port)}/keys.json` },
            es256Signer(attacker.privateKey),
          );
          await expectRefused(arranged, forged);
        }

        expect(hits).toEqual([]);
      },
    );
  });
});
