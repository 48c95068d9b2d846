// The work GET /api/auth/profile does, and nothing around it: read the Bearer token, verify it as the service does
// (key chosen by the `kid` header, a KeyObject, HS256 only, issuer, audience, `typ: "access"` and the claims' types,
// through jsonwebtoken) and answer the same JSON body built from the same user fields. The user is held in memory:
// no session or user lookup in a store, no middleware, no log line. That difference is what the comparison shows.
import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

export interface BaselineConfig {
  secret: string;
  /** The `kid` the service's tokens carry. */
  kid: string;
  issuer: string;
  audience: string;
  user: { id: string; email: string; name: string; role: string; createdAt: string };
}

export interface Answer {
  status: number;
  body: object;
}

const BEARER_CREDENTIALS = /^Bearer +([^\s]+) *$/i;
const MAX_TOKEN_LENGTH = 2048;
const INVALID: Answer = {
  status: 401,
  body: { success: false, message: 'The access token is invalid.', error: 'TOKEN_INVALID' },
};

/** The configuration the benchmark hands a baseline process in BENCH_BASELINE (JSON). */
export function readBaselineConfig(env: NodeJS.ProcessEnv): BaselineConfig {
  const text = env.BENCH_BASELINE;
  if (text === undefined) throw new Error('BENCH_BASELINE is not set');
  return JSON.parse(text) as BaselineConfig;
}

export function createProfileWork(config: BaselineConfig): (authorization?: string) => Answer {
  const keys = new Map<string, KeyObject>([
    [config.kid, createSecretKey(Buffer.from(config.secret, 'utf8'))],
  ]);
  const user = { ...config.user, createdAt: new Date(config.user.createdAt) };
  return (authorization = '') => {
    const token = BEARER_CREDENTIALS.exec(authorization)?.[1] ?? '';
    if (token.length > MAX_TOKEN_LENGTH) return INVALID;
    const key = keys.get(readKeyId(token) ?? '');
    if (key === undefined) return INVALID;
    try {
      const claims = jwt.verify(token, key, {
        algorithms: ['HS256'],
        issuer: config.issuer,
        audience: config.audience,
        clockTimestamp: Math.floor(Date.now() / 1000),
      });
      if (typeof claims === 'string' || !isAccessClaims(claims)) return INVALID;
    } catch {
      return INVALID;
    }
    // As toPublicUser builds it: the same fields, createdAt serialized per answer.
    const publicUser = {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      createdAt: user.createdAt.toISOString(),
    };
    return { status: 200, body: { success: true, data: { user: publicUser } } };
  };
}

function isAccessClaims(claims: Record<string, unknown>): boolean {
  return (
    claims.typ === 'access' &&
    (claims.role === 'user' || claims.role === 'admin') &&
    typeof claims.sub === 'string' &&
    typeof claims.sid === 'string' &&
    typeof claims.jti === 'string' &&
    typeof claims.iat === 'number' &&
    typeof claims.exp === 'number'
  );
}

function readKeyId(token: string): string | undefined {
  const headerPart = token.slice(0, token.indexOf('.'));
  if (headerPart === '') return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(headerPart, 'base64url').toString('utf8'));
    if (typeof header !== 'object' || header === null) return undefined;
    const kid = (header as { kid?: unknown }).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}
