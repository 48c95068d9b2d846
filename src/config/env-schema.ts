// The environment variables the service reads, as one zod schema: each value parsed once, each error naming its variable.
import { z } from 'zod';
import { parseDurationSeconds } from './duration.js';
import { parseTrustProxy } from './trust-proxy.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function integer(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

function durationSeconds(minSeconds: number, maxSeconds: number) {
  return z.string().transform((text, ctx) => {
    const seconds = parseDurationSeconds(text);
    if (seconds === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be a duration such as 30s, 15m, 12h, 7d or 900',
      });
      return z.NEVER;
    }
    if (seconds < minSeconds || seconds > maxSeconds) {
      ctx.addIssue({
        code: 'custom',
        message: `must be between ${minSeconds}s and ${maxSeconds}s`,
      });
      return z.NEVER;
    }
    return seconds;
  });
}

const flag = z.enum(['true', 'false']).transform((text) => text === 'true');

const origin = z.string().refine((text) => {
  if (text === '*') return true;
  try {
    return new URL(text).origin === text;
  } catch {
    return false;
  }
}, 'each origin must look like https://app.example.com (scheme, host and optional port; no path)');

const corsOrigins = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ''),
  )
  .pipe(z.array(origin));

/** Where recovery links point: the web app's base URL (scheme and host, optionally a path), never a query. */
const appUrl = z
  .string()
  .refine((text) => {
    try {
      const url = new URL(text);
      return (
        (url.protocol === 'https:' || url.protocol === 'http:') &&
        url.search === '' &&
        url.hash === ''
      );
    } catch {
      return false;
    }
  }, "must be the web app's base URL, such as https://app.example.com (no query or fragment)")
  .transform((text) => text.replace(/\/+$/, ''));

const trustProxy = z.string().transform((text, ctx) => {
  const parsed = parseTrustProxy(text);
  if (!parsed.ok) {
    ctx.addIssue({ code: 'custom', message: parsed.reason });
    return z.NEVER;
  }
  return parsed.value;
});

export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().min(1).optional(),
  PORT: integer(0, 65_535).default(3000),
  JWT_ACCESS_SECRET: z.string().optional(),
  JWT_REFRESH_SECRET: z.string().optional(),
  JWT_ACCESS_SECRET_PREVIOUS: z.string().optional(),
  JWT_REFRESH_SECRET_PREVIOUS: z.string().optional(),
  JWT_ACCESS_TTL: durationSeconds(30, 86_400).default(15 * 60),
  JWT_REFRESH_TTL: durationSeconds(60, 365 * 86_400).default(7 * 86_400),
  SESSION_MAX_AGE: durationSeconds(60, 365 * 86_400).default(30 * 86_400),
  SESSION_CACHE_TTL: durationSeconds(0, 60).default(2),
  REFRESH_TOKEN_TRANSPORT: z.enum(['body', 'cookie']).default('body'),
  REFRESH_COOKIE_SAMESITE: z.enum(['strict', 'lax', 'none']).default('strict'),
  REFRESH_REUSE_GRACE_SECONDS: integer(0, 60).default(10),
  REFRESH_REUSE_GRACE_MAX_REPLAYS: integer(1, 1000).default(5),
  REUSE_REVOKES_ALL_SESSIONS: flag.default(false),
  JWT_ACCESS_ALG: z.enum(['HS256', 'ES256']).default('HS256'),
  JWT_KEYS_DIR: z.string().min(1).default('./data/keys'),
  JWKS_MAX_AGE: durationSeconds(0, 86_400).default(300),
  JWKS_LEAD_TIME: durationSeconds(0, 30 * 86_400).default(15 * 60),
  JWT_ISSUER: z.string().min(1).max(200).default('auth-api'),
  JWT_AUDIENCE: z.string().min(1).max(200).default('auth-api'),
  BCRYPT_ROUNDS: integer(10, 15).default(12),
  SQLITE_PATH: z.string().min(1).default('./data/auth.db'),
  MONGODB_URI: z
    .string()
    .regex(
      /^mongodb(\+srv)?:\/\/[^/?#]+\/[^/?#]+/,
      'must be a mongodb:// or mongodb+srv:// URI that names the database, e.g. mongodb://127.0.0.1:27017/auth-api',
    )
    .optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/\S+$/, 'must be a redis:// or rediss:// URL, e.g. redis://127.0.0.1:6379')
    .optional(),
  REDIS_CONNECT_TIMEOUT: durationSeconds(1, 120).default(5),
  RATE_LIMIT_LOGIN: integer(1, 1_000_000).default(20),
  RATE_LIMIT_REGISTER: integer(1, 1_000_000).default(50),
  RATE_LIMIT_REFRESH: integer(1, 1_000_000).default(60),
  RATE_LIMIT_API: integer(1, 1_000_000).default(600),
  LOGIN_THROTTLE_FAILURES: integer(1, 1000).default(5),
  MONGODB_POOL_SIZE: integer(1, 500).default(10),
  MONGODB_SERVER_SELECTION_TIMEOUT: durationSeconds(1, 120).default(5),
  MONGODB_SOCKET_TIMEOUT: durationSeconds(1, 600).default(30),
  MONGODB_AUTO_INDEX: flag.default(true),
  CORS_ORIGINS: corsOrigins.default([]),
  TRUST_PROXY: trustProxy.default(false),
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  ALLOW_INSECURE_HTTP: flag.default(false),
  METRICS_TOKEN: z.string().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  BODY_LIMIT_BYTES: integer(1024, 1_048_576).default(10_240),
  SHUTDOWN_TIMEOUT: durationSeconds(1, 600).default(10),
  APP_URL: appUrl.optional(),
  MAIL_TRANSPORT: z.enum(['smtp', 'file']).optional(),
  SMTP_URL: z
    .string()
    .regex(
      /^smtps?:\/\/\S+$/,
      'must be an smtp:// or smtps:// URL, e.g. smtps://user:password@smtp.example.com:465',
    )
    .optional(),
  MAIL_FROM: z.string().min(3).max(254).optional(),
  MAIL_DIR: z.string().min(1).default('./data/mail'),
  OUTBOX_KEY: z.string().optional(),
  OUTBOX_KEY_PREVIOUS: z.string().optional(),
  MAIL_RETRY_DELAY: durationSeconds(1, 3600).default(30),
  PASSWORD_RESET_TTL: durationSeconds(60, 86_400).default(30 * 60),
  EMAIL_VERIFY_TTL: durationSeconds(300, 7 * 86_400).default(86_400),
  EMAIL_CHANGE_TTL: durationSeconds(300, 86_400).default(3600),
  REQUIRE_EMAIL_VERIFICATION: flag.default(false),
  RATE_LIMIT_FORGOT: integer(1, 1_000_000).default(5),
  MFA_ENCRYPTION_KEY: z.string().optional(),
  MFA_ENCRYPTION_KEY_PREVIOUS: z.string().optional(),
  MFA_TOKEN_TTL: durationSeconds(60, 1800).default(300),
  MFA_ISSUER: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[^:]+$/, 'must not contain ":" (authenticator apps read it as the label separator)')
    .default('auth-api'),
});

export type Env = z.infer<typeof envSchema>;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Empty values count as unset, so a copied .env.example with blank lines means "use the default". */
export function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') present[name] = value;
  }
  return present;
}
