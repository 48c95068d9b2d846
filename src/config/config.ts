// Loads and checks the configuration once at start: a typed, frozen Config, or a ConfigError naming each bad variable.
import { envSchema, withoutEmptyValues, type Env, type LogLevel } from './env-schema.js';
import { checkConfiguration, resolveSecrets } from './config-rules.js';
import { resolveMailSettings, type MailSettings } from './mail-config.js';
import { resolveSealingKeys, type SealingKeys } from './sealing-keys.js';
import type { TrustProxy } from './trust-proxy.js';

export type NodeEnv = Env['NODE_ENV'];

export interface Config {
  readonly env: NodeEnv;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly bodyLimitBytes: number;
    readonly trustProxy: TrustProxy;
    readonly corsOrigins: readonly string[];
    readonly requireHttps: boolean;
    /** Native TLS: the server itself listens over HTTPS with these files (reloaded on SIGHUP). */
    readonly tls: { readonly certFile: string; readonly keyFile: string } | undefined;
    readonly shutdownTimeoutMs: number;
  };
  readonly jwt: {
    readonly accessSecret: string;
    readonly refreshSecret: string;
    readonly accessSecretPrevious: string | undefined;
    readonly refreshSecretPrevious: string | undefined;
    readonly accessTtlSeconds: number;
    readonly refreshTtlSeconds: number;
    readonly issuer: string;
    readonly audience: string;
    /** HS256 with the access secret, or ES256 with the key ring in `keysDir` (DESIGN section 10). */
    readonly accessAlg: 'HS256' | 'ES256';
    readonly keysDir: string;
  };
  /** The public key set other services verify ES256 access tokens with. */
  readonly jwks: {
    /** Cache-Control max-age of GET /.well-known/jwks.json. */
    readonly maxAgeSeconds: number;
    /** How long a new key is published before `npm run keys -- promote` lets it sign; longer than maxAgeSeconds. */
    readonly leadTimeSeconds: number;
  };
  readonly session: {
    readonly maxAgeSeconds: number;
    /** How long a live session is served from this process's memory (0: every check asks the store). */
    readonly cacheTtlMs: number;
  };
  readonly refreshTokens: {
    /** Where clients send and receive refresh tokens: the JSON body, or an HttpOnly cookie (browser apps). */
    readonly transport: 'body' | 'cookie';
    readonly cookie: { readonly sameSite: 'strict' | 'lax' | 'none'; readonly secure: boolean };
    /** DESIGN section 9: the grace for a token just rotated, and what reuse outside it ends. */
    readonly reuse: {
      readonly graceSeconds: number;
      readonly graceMaxReplays: number;
      readonly revokesAllSessions: boolean;
    };
  };
  readonly passwords: { readonly bcryptRounds: number };
  readonly storage: StorageConfig;
  /** Shared rate-limit state; per-instance memory when unset. */
  readonly redis: { readonly url: string; readonly connectTimeoutMs: number } | undefined;
  /** Requests per client IP per window (windows in src/http/rate-limits.ts), and failed logins per account. */
  readonly limits: {
    readonly login: number;
    readonly register: number;
    readonly refresh: number;
    readonly api: number;
    readonly loginThrottleFailures: number;
    /** Password-reset requests per client IP per 15 minutes. */
    readonly forgot: number;
  };
  readonly mail: MailSettings;
  /** Account recovery (DESIGN section 8): one-time token lifetimes, and whether sign-in needs a verified address. */
  readonly recovery: {
    readonly passwordResetTtlSeconds: number;
    readonly emailVerifyTtlSeconds: number;
    readonly emailChangeTtlSeconds: number;
    readonly requireEmailVerification: boolean;
  };
  /** The second factor (DESIGN section 11). */
  readonly mfa: {
    /** Seal TOTP secrets at rest (MFA_ENCRYPTION_KEY, and the previous key that still opens). */
    readonly keys: SealingKeys;
    /** How long the mfaToken of a password-only login stays good (MFA_TOKEN_TTL). */
    readonly challengeTtlSeconds: number;
    /** The name authenticator apps show beside the account (MFA_ISSUER). */
    readonly issuer: string;
  };
  readonly log: { readonly level: LogLevel };
  /** Bearer token that unlocks GET /metrics; the endpoint does not exist without it. */
  readonly metricsToken: string | undefined;
}

/** MongoDB when MONGODB_URI is set, otherwise the embedded SQLite file. */
export type StorageConfig =
  | { readonly kind: 'sqlite'; readonly path: string }
  | {
      readonly kind: 'mongodb';
      readonly uri: string;
      readonly poolSize: number;
      readonly serverSelectionTimeoutMs: number;
      readonly socketTimeoutMs: number;
      /** Build indexes at start (MONGODB_AUTO_INDEX); otherwise refuse to start while one is missing. */
      readonly autoIndex: boolean;
    };

export interface LoadedConfig {
  config: Config;
  /** Things an operator should know that do not stop the start (logged by the entry point). */
  warnings: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadConfigOptions {
  /** Where development keeps the secrets it generates. */
  devSecretsFile?: string;
}

export function loadConfig(
  rawEnv: NodeJS.ProcessEnv,
  options: LoadConfigOptions = {},
): LoadedConfig {
  const parsed = envSchema.safeParse(withoutEmptyValues(rawEnv));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`,
      ),
    );
  }
  const env = parsed.data;
  const findings = { problems: [] as string[], warnings: [] as string[] };
  const devSecretsFile = options.devSecretsFile ?? './data/dev-secrets.json';
  const secrets = resolveSecrets(env, devSecretsFile, findings.warnings);
  checkConfiguration(env, secrets, findings);
  const mail = resolveMailSettings(env, devSecretsFile, findings);
  const mfaKeys = resolveSealingKeys(
    {
      name: 'MFA_ENCRYPTION_KEY',
      current: env.MFA_ENCRYPTION_KEY,
      previous: env.MFA_ENCRYPTION_KEY_PREVIOUS,
      seals: 'TOTP secrets',
      devField: 'mfaKey',
    },
    env,
    devSecretsFile,
    findings,
  );
  const { access, refresh } = secrets;
  if (
    findings.problems.length > 0 ||
    access === undefined ||
    refresh === undefined ||
    mail === undefined ||
    mfaKeys === undefined
  ) {
    throw new ConfigError(findings.problems);
  }
  return {
    config: deepFreeze(toConfig(env, { access, refresh }, mail, mfaKeys)),
    warnings: findings.warnings,
  };
}

function toConfig(
  env: Env,
  secrets: { access: string; refresh: string },
  mail: MailSettings,
  mfaKeys: SealingKeys,
): Config {
  const production = env.NODE_ENV === 'production';
  return {
    env: env.NODE_ENV,
    http: {
      host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      trustProxy: env.TRUST_PROXY,
      corsOrigins: env.CORS_ORIGINS,
      requireHttps: production && !env.ALLOW_INSECURE_HTTP,
      tls:
        env.TLS_CERT_FILE !== undefined && env.TLS_KEY_FILE !== undefined
          ? { certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE }
          : undefined,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT * 1000,
    },
    jwt: {
      accessSecret: secrets.access,
      refreshSecret: secrets.refresh,
      accessSecretPrevious: env.JWT_ACCESS_SECRET_PREVIOUS,
      refreshSecretPrevious: env.JWT_REFRESH_SECRET_PREVIOUS,
      accessTtlSeconds: env.JWT_ACCESS_TTL,
      refreshTtlSeconds: env.JWT_REFRESH_TTL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      accessAlg: env.JWT_ACCESS_ALG,
      keysDir: env.JWT_KEYS_DIR,
    },
    jwks: { maxAgeSeconds: env.JWKS_MAX_AGE, leadTimeSeconds: env.JWKS_LEAD_TIME },
    session: { maxAgeSeconds: env.SESSION_MAX_AGE, cacheTtlMs: env.SESSION_CACHE_TTL * 1000 },
    refreshTokens: {
      transport: env.REFRESH_TOKEN_TRANSPORT,
      cookie: {
        sameSite: env.REFRESH_COOKIE_SAMESITE,
        // Browsers drop a SameSite=None cookie that is not Secure.
        secure: production || env.REFRESH_COOKIE_SAMESITE === 'none',
      },
      reuse: {
        graceSeconds: env.REFRESH_REUSE_GRACE_SECONDS,
        graceMaxReplays: env.REFRESH_REUSE_GRACE_MAX_REPLAYS,
        revokesAllSessions: env.REUSE_REVOKES_ALL_SESSIONS,
      },
    },
    passwords: { bcryptRounds: env.BCRYPT_ROUNDS },
    storage:
      env.MONGODB_URI === undefined
        ? { kind: 'sqlite', path: env.SQLITE_PATH }
        : {
            kind: 'mongodb',
            uri: env.MONGODB_URI,
            poolSize: env.MONGODB_POOL_SIZE,
            serverSelectionTimeoutMs: env.MONGODB_SERVER_SELECTION_TIMEOUT * 1000,
            socketTimeoutMs: env.MONGODB_SOCKET_TIMEOUT * 1000,
            autoIndex: env.MONGODB_AUTO_INDEX,
          },
    redis:
      env.REDIS_URL === undefined
        ? undefined
        : { url: env.REDIS_URL, connectTimeoutMs: env.REDIS_CONNECT_TIMEOUT * 1000 },
    limits: {
      login: env.RATE_LIMIT_LOGIN,
      register: env.RATE_LIMIT_REGISTER,
      refresh: env.RATE_LIMIT_REFRESH,
      api: env.RATE_LIMIT_API,
      loginThrottleFailures: env.LOGIN_THROTTLE_FAILURES,
      forgot: env.RATE_LIMIT_FORGOT,
    },
    mail,
    recovery: {
      passwordResetTtlSeconds: env.PASSWORD_RESET_TTL,
      emailVerifyTtlSeconds: env.EMAIL_VERIFY_TTL,
      emailChangeTtlSeconds: env.EMAIL_CHANGE_TTL,
      requireEmailVerification: env.REQUIRE_EMAIL_VERIFICATION,
    },
    mfa: {
      keys: mfaKeys,
      challengeTtlSeconds: env.MFA_TOKEN_TTL,
      issuer: env.MFA_ISSUER,
    },
    log: { level: env.LOG_LEVEL },
    metricsToken: env.METRICS_TOKEN,
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
