// bench:es256's micro-figure: how many access tokens jsonwebtoken signs and verifies a second in this process, with
// HS256 and with ES256, each with a KeyObject built once (as the service holds its keys) and the service's claims and
// checks. It says what the algorithm alone costs, apart from the HTTP, store and logging work around it on the server.
import { createSecretKey, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import jwt from 'jsonwebtoken';
import { roundTo } from './measure.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER } from './server.js';

export interface JwtRate {
  algorithm: 'HS256' | 'ES256';
  signsPerSecond: number;
  verifiesPerSecond: number;
  /** The token's length in characters: ES256's signature is 64 bytes, HS256's 32. */
  tokenLength: number;
}

interface Keys {
  algorithm: JwtRate['algorithm'];
  signing: KeyObject;
  verifying: KeyObject;
}

function keysFor(algorithm: JwtRate['algorithm']): Keys {
  if (algorithm === 'HS256') {
    const secret = createSecretKey(randomBytes(48));
    return { algorithm, signing: secret, verifying: secret };
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { algorithm, signing: privateKey, verifying: publicKey };
}

/** An access token's claims as the service signs them (DESIGN section 3). */
function accessClaims(): object {
  const iat = Math.floor(Date.now() / 1000);
  return {
    sub: 'bench-user',
    role: 'user',
    sid: 'bench-session',
    jti: randomBytes(16).toString('base64url'),
    iat,
    exp: iat + 900,
    iss: TOKEN_ISSUER,
    aud: TOKEN_AUDIENCE,
    typ: 'access',
    amr: ['pwd'],
    aal: 'aal1',
    email_verified: false,
  };
}

/** Calls `work` in batches until `seconds` have passed; the calls a second. */
function callsPerSecond(seconds: number, work: () => void): number {
  const BATCH = 50;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let calls = 0;
  while (performance.now() < deadline) {
    for (let i = 0; i < BATCH; i += 1) work();
    calls += BATCH;
  }
  return calls / ((performance.now() - started) / 1000);
}

function measure(algorithm: JwtRate['algorithm'], seconds: number): JwtRate {
  const keys = keysFor(algorithm);
  const claims = accessClaims();
  const sign = () => jwt.sign(claims, keys.signing, { algorithm, keyid: 'bench' });
  const token = sign();
  const verify = () =>
    jwt.verify(token, keys.verifying, {
      algorithms: [algorithm],
      issuer: TOKEN_ISSUER,
      audience: TOKEN_AUDIENCE,
    });
  // Unmeasured first, so the JIT has settled on both paths.
  callsPerSecond(seconds / 4, sign);
  callsPerSecond(seconds / 4, verify);
  return {
    algorithm,
    signsPerSecond: roundTo(callsPerSecond(seconds, sign), 0),
    verifiesPerSecond: roundTo(callsPerSecond(seconds, verify), 0),
    tokenLength: token.length,
  };
}

/** Sign and verify rates for HS256 and ES256, `seconds` each. */
export function measureJwtRates(seconds: number): JwtRate[] {
  return (['HS256', 'ES256'] as const).map((algorithm) => measure(algorithm, seconds));
}
