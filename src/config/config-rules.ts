// The rules a configuration must meet before the service starts: where JWT secrets come from in each environment,
// how strong they must be, and what production refuses. Problems stop the start; warnings are logged.
import { generateSecretPair, loadOrCreateDevSecrets } from './dev-secrets.js';
import type { Env } from './env-schema.js';
import { secretWeakness } from './secret-strength.js';

export interface Secrets {
  access: string | undefined;
  refresh: string | undefined;
}

export interface Findings {
  problems: string[];
  warnings: string[];
}

/** The secrets to use: given, generated once and kept (development), or random per process (test). */
export function resolveSecrets(env: Env, devSecretsFile: string, warnings: string[]): Secrets {
  const given = {
    // ES256 access tokens are signed by the key ring: no access secret is needed, and a random one of this process
    // (which signs nothing we issue) keeps the secret rules below the same for both algorithms.
    access:
      env.JWT_ACCESS_SECRET ??
      (env.JWT_ACCESS_ALG === 'ES256' ? generateSecretPair().access : undefined),
    refresh: env.JWT_REFRESH_SECRET,
  };
  if (given.access !== undefined && given.refresh !== undefined) return given;
  if (env.NODE_ENV === 'production') return given;
  if (env.NODE_ENV === 'test') {
    const generated = generateSecretPair();
    return {
      access: given.access ?? generated.access,
      refresh: given.refresh ?? generated.refresh,
    };
  }
  const stored = loadOrCreateDevSecrets(devSecretsFile);
  const missing = [
    ...(given.access === undefined ? ['JWT_ACCESS_SECRET'] : []),
    ...(given.refresh === undefined ? ['JWT_REFRESH_SECRET'] : []),
  ];
  warnings.push(
    `${missing.join(' and ')} not set: using development secrets kept in ${devSecretsFile}. Never do this in production.`,
  );
  return { access: given.access ?? stored.access, refresh: given.refresh ?? stored.refresh };
}

/** Everything that must hold before start, in every environment and in production. */
export function checkConfiguration(
  env: Env,
  secrets: Secrets,
  { problems, warnings }: Findings,
): void {
  checkSecrets(env, secrets, problems, warnings);
  checkLifetimes(env, problems);
  if (env.REFRESH_TOKEN_TRANSPORT === 'cookie' && env.CORS_ORIGINS.includes('*')) {
    problems.push(
      'CORS_ORIGINS: a wildcard (*) cannot be used with REFRESH_TOKEN_TRANSPORT=cookie (credentials need named origins)',
    );
  }
  if ((env.TLS_CERT_FILE === undefined) !== (env.TLS_KEY_FILE === undefined)) {
    const missing = env.TLS_CERT_FILE === undefined ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE';
    problems.push(`${missing}: TLS_CERT_FILE and TLS_KEY_FILE go together; set both or neither`);
  }
  if (env.NODE_ENV === 'production') checkProductionTransport(env, problems, warnings);
}

function checkSecrets(env: Env, secrets: Secrets, problems: string[], warnings: string[]): void {
  const production = env.NODE_ENV === 'production';
  const named: Array<[string, string | undefined]> = [
    ['JWT_ACCESS_SECRET', secrets.access],
    ['JWT_REFRESH_SECRET', secrets.refresh],
    ['JWT_ACCESS_SECRET_PREVIOUS', env.JWT_ACCESS_SECRET_PREVIOUS],
    ['JWT_REFRESH_SECRET_PREVIOUS', env.JWT_REFRESH_SECRET_PREVIOUS],
  ];
  const required = new Set(['JWT_ACCESS_SECRET', 'JWT_REFRESH_SECRET']);
  // The metrics token is a bearer secret too: optional, but never weak in production.
  for (const [name, secret] of [...named, ['METRICS_TOKEN', env.METRICS_TOKEN] as const]) {
    if (secret === undefined) {
      if (production && required.has(name)) problems.push(`${name}: is required in production`);
      continue;
    }
    const weakness = secretWeakness(secret);
    if (weakness === undefined) continue;
    if (production) problems.push(`${name}: ${weakness}`);
    else if (env.NODE_ENV === 'development') warnings.push(`${name}: ${weakness}`);
  }
  // A secret that signs or verifies one kind of token must never verify the other kind.
  const [access, refresh, accessPrevious, refreshPrevious] = named;
  for (const accessSide of [access, accessPrevious]) {
    for (const refreshSide of [refresh, refreshPrevious]) {
      if (accessSide?.[1] === undefined || accessSide[1] !== refreshSide?.[1]) continue;
      // Name the variable the operator most likely just set: a _PREVIOUS one if involved.
      const [blamed, other] = accessSide[0].endsWith('_PREVIOUS')
        ? [accessSide[0], refreshSide[0]]
        : [refreshSide[0], accessSide[0]];
      problems.push(`${blamed}: must differ from ${other}`);
    }
  }
}

function checkLifetimes(env: Env, problems: string[]): void {
  if (env.JWT_ACCESS_TTL >= env.JWT_REFRESH_TTL) {
    problems.push('JWT_ACCESS_TTL: must be shorter than JWT_REFRESH_TTL');
  }
  // A key that signs before every cache holding the old key set has expired makes tokens those caches cannot verify.
  if (env.JWKS_LEAD_TIME <= env.JWKS_MAX_AGE) {
    problems.push(
      'JWKS_LEAD_TIME: must be longer than JWKS_MAX_AGE (caches hold the key set that long)',
    );
  }
}

function checkProductionTransport(env: Env, problems: string[], warnings: string[]): void {
  if (env.CORS_ORIGINS.length === 0) {
    problems.push(
      'CORS_ORIGINS: is required in production (a comma-separated list of allowed origins)',
    );
  }
  if (env.CORS_ORIGINS.includes('*')) {
    problems.push(
      'CORS_ORIGINS: a wildcard (*) is refused in production; list the allowed origins',
    );
  }
  const terminatesTls = env.TLS_CERT_FILE !== undefined && env.TLS_KEY_FILE !== undefined;
  if (!terminatesTls && env.TRUST_PROXY === false && !env.ALLOW_INSECURE_HTTP) {
    problems.push(
      'TRUST_PROXY: production needs HTTPS; set TLS_CERT_FILE and TLS_KEY_FILE, or name the load balancer that terminates TLS in TRUST_PROXY, or set ALLOW_INSECURE_HTTP=true on purpose',
    );
  }
  if (env.ALLOW_INSECURE_HTTP) {
    warnings.push('ALLOW_INSECURE_HTTP=true: production is serving plain HTTP on purpose.');
  }
}
