// deploy/ checked against the service, with no Docker: every variable the compose file and the Dockerfile set is one
// the config schema reads (and secrets are placeholders), every port and probe path they name is the service's, and
// the image runs the built code as a non-root node process.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import { loadConfig } from '../../src/config/config.js';
import { parseDurationSeconds } from '../../src/config/duration.js';
import { envSchema } from '../../src/config/env-schema.js';
import { findOpenSsl, makeCertificates } from '../helpers/certificates.js';
import { START_UP_LIMIT_MS } from '../helpers/child-output.js';
import { productionEnv, strongSecret } from '../helpers/production-env.js';
import { describeWithService } from '../helpers/required-service.js';
import { startServer } from '../helpers/server-process.js';
import { buildTestApp } from '../helpers/test-app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(`${ROOT}${path}`, 'utf8');
const DEFAULTS = envSchema.parse({});

// ---- deploy/Dockerfile: instructions per stage, continuations joined and comments dropped --------------------
const stages: Array<Array<{ keyword: string; args: string }>> = [];
for (const [, keyword = '', args = ''] of read('deploy/Dockerfile')
  .replace(/\\\n/g, ' ')
  .matchAll(/^([A-Z]+)\s+(.*)$/gm)) {
  if (keyword === 'FROM') stages.push([]);
  stages.at(-1)?.push({ keyword, args: args.trim() });
}
const runsOf = (stage: typeof stages, keyword: string) =>
  stage.flat().flatMap((step) => (step.keyword === keyword ? [step.args] : []));
const argsOf = (keyword: string) => runsOf(stages.slice(-1), keyword);
const buildRuns = runsOf(stages.slice(0, -1), 'RUN').join(' && ');
const pairs = (text: string) =>
  text.split(/\s+/).map((pair) => pair.split('=') as [string, string]);
const imageEnv = Object.fromEntries(argsOf('ENV').flatMap(pairs));
const execForm = (text = '') => z.array(z.string()).parse(JSON.parse(text));
const healthcheck = execForm(argsOf('HEALTHCHECK')[0]?.split(' CMD ')[1]);
const healthcheckUrl = new URL(/'(http:\/\/[^']+)'/.exec(healthcheck.join(' '))?.[1] ?? '');
const cmd = execForm(argsOf('CMD')[0]);

// ---- deploy/docker-compose.yml ---------------------------------------------------------------------------------
const scalar = z.union([z.string(), z.number()]).transform(String);
const network = z.looseObject({ ipv4_address: z.string().optional() });
const composeService = z.looseObject({
  build: z.looseObject({ dockerfile: z.string() }).optional(),
  command: z.array(z.string()).default([]),
  environment: z.record(z.string(), scalar).default({}),
  expose: z.array(scalar).default([]),
  ports: z.array(z.string()).default([]),
  volumes: z.array(z.string()).default([]),
  networks: z
    .union([
      z
        .array(z.string())
        .transform((names) => Object.fromEntries(names.map((n) => [n, network.parse({})]))),
      z.record(z.string(), network),
    ])
    .default({}),
  depends_on: z.record(z.string(), z.looseObject({ condition: z.string() })).default({}),
  healthcheck: z.looseObject({ test: z.array(z.string()) }).optional(),
  init: z.boolean().optional(),
  stop_grace_period: z.string().default('0'),
});
const services = z
  .looseObject({ services: z.record(z.string(), composeService) })
  .parse(parse(read('deploy/docker-compose.yml'))).services;
const named = (find: (service: z.infer<typeof composeService>) => boolean) => {
  const [name, service] = Object.entries(services).find(([, candidate]) => find(candidate)) ?? [];
  if (name === undefined || service === undefined) throw new Error('missing from the compose file');
  return { name, ...service };
};
const app = named((service) => service.build?.dockerfile === 'deploy/Dockerfile');
const nginx = named((service) => service.volumes.some((v) => v.startsWith('./nginx.conf:')));
const SECRET = /SECRET|TOKEN|PASSWORD/;

/** The service's environment once the operator fills the `${NAME:?…}` placeholders (`${NAME:-x}` gives x). */
function filledEnvironment(filled: Record<string, string>): Record<string, string> {
  const fill = (value: string) =>
    value.replace(/\$\{(\w+):([?-])([^}]*)\}/g, (_all, name: string, kind: string, rest: string) =>
      kind === '-' ? rest : (filled[name] ?? ''),
    );
  const composed = Object.entries(app.environment).map(
    ([name, value]) => [name, fill(value)] as const,
  );
  return { ...imageEnv, ...Object.fromEntries(composed) };
}

// ---- deploy/nginx.conf -----------------------------------------------------------------------------------------
const nginxConf = read('deploy/nginx.conf').replace(/#.*$/gm, '');
const directives = (name: string) =>
  [...nginxConf.matchAll(new RegExp(`^\\s*${name}\\s+([^;]*);`, 'gm'))].map((m) => m[1] ?? '');
const upstreams = new Map(
  [...nginxConf.matchAll(/upstream\s+(\S+)\s*\{([^}]*)\}/g)].map((m) => [
    `http://${m[1] ?? ''}`,
    /^\s*server\s+([^\s;]+)/m.exec(m[2] ?? '')?.[1],
  ]),
);
const proxiedTo = directives('proxy_pass').map((target) => upstreams.get(target));

describe('deploy/ against the service', () => {
  it('when the compose file and the Dockerfile set variables for the service, then the config schema reads each', () => {
    const known = new Set(Object.keys(envSchema.shape));
    const set = [...Object.keys(imageEnv), ...Object.keys(app.environment)];

    expect(set).toContain('NODE_ENV');
    expect(set.filter((name) => !known.has(name))).toEqual([]);
  });

  it('when a secret is set for the service, then its value is a ${NAME} placeholder, never a literal', () => {
    const secrets = Object.entries(app.environment).filter(([name]) => SECRET.test(name));

    expect(secrets.map(([name]) => name)).toContain('JWT_REFRESH_SECRET');
    for (const [name, value] of secrets)
      expect(value).toMatch(new RegExp(`^\\$\\{${name}:[?-][^}]*\\}$`));
    expect(Object.keys(imageEnv).filter((name) => SECRET.test(name))).toEqual([]);
    const connectionStrings = [app.environment.MONGODB_URI, app.environment.REDIS_URL].join(' ');
    expect(connectionStrings).not.toContain('@'); // no credentials inside them either
  });

  it('when the operator fills the placeholders, then the production configuration loads with the stores and proxy', () => {
    const env = filledEnvironment({
      JWT_ACCESS_SECRET: strongSecret(),
      JWT_REFRESH_SECRET: strongSecret(),
      CORS_ORIGINS: 'https://app.example.com',
      APP_URL: 'https://app.example.com',
      MAIL_FROM: 'Example <no-reply@example.com>',
      OUTBOX_KEY: randomBytes(32).toString('base64'),
      MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });

    const { config } = loadConfig(env);

    expect(config.env).toBe('production');
    expect(config.mail.transport).toEqual({ kind: 'smtp', url: 'smtp://mailpit:1025' });
    expect(config.storage.kind).toBe('mongodb');
    expect(config.redis).toBeDefined();
    expect(config.http.requireHttps).toBe(true);
    expect(config.http.trustProxy).toEqual([nginx.networks.backend?.ipv4_address]);
  });

  it('when the service port is named in several places, then PORT, EXPOSE, compose, HEALTHCHECK and nginx agree', () => {
    const [upstreamHost, upstreamPort] = (proxiedTo[0] ?? '').split(':');
    const ports = [imageEnv.PORT, app.environment.PORT, healthcheckUrl.port, upstreamPort];
    ports.push(...argsOf('EXPOSE'), ...app.expose);

    expect(new Set(ports)).toEqual(new Set([String(DEFAULTS.PORT)]));
    expect(upstreamHost).toBe(app.name);
    expect(proxiedTo.length).toBeGreaterThan(0);
    expect(new Set(proxiedTo).size).toBe(1);
  });

  it('when the HEALTHCHECK asks for its path, then the app answers 200 over plain HTTP even in production', async () => {
    const { app: served } = buildTestApp({ env: productionEnv() });

    expect(healthcheckUrl.pathname).toBe('/health');
    expect((await request(served).get(healthcheckUrl.pathname)).status).toBe(200);
    expect((await request(served).get('/api/auth/me')).status).toBe(403);
  });

  it('when the HEALTHCHECK command runs against the real server, then it exits 0, and 1 once nothing answers', async () => {
    const server = await startServer(productionEnv({ TRUST_PROXY: '127.0.0.1' }));

    expect(await runHealthcheck(new URL(server.baseUrl).port)).toBe(0);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(await runHealthcheck(new URL(server.baseUrl).port)).toBe(1);
  });

  describeWithService('the HEALTHCHECK over TLS', findOpenSsl(), () => {
    it('when the container terminates TLS itself, then the HEALTHCHECK asks over HTTPS and exits 0', async () => {
      const { probe } = makeCertificates('probe');
      const tls = { TLS_CERT_FILE: probe?.certFile ?? '', TLS_KEY_FILE: probe?.keyFile ?? '' };
      const server = await startServer({ NODE_ENV: 'test', ...tls });

      expect(await runHealthcheck(new URL(server.baseUrl).port, tls)).toBe(0);
      expect(await runHealthcheck(new URL(server.baseUrl).port)).toBe(1);
    });
  });

  it('when the image runs, then its final stage is a non-root USER running node directly in exec form', () => {
    const user = argsOf('USER').at(-1);

    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user?.split(':')[0]);
    expect(cmd[0]).toBe('node');
    expect(argsOf('ENTRYPOINT')).toEqual([]);
  });

  it('when the image is built, then it runs the dist/ that npm run build writes, with production dependencies only', () => {
    const { outDir, rootDir } = (
      JSON.parse(read('tsconfig.build.json')) as { compilerOptions: Record<string, string> }
    ).compilerOptions;
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const copied = argsOf('COPY').map((args) => args.split(/\s+/));

    expect(scripts.build).toContain('tsc -p tsconfig.build.json');
    expect(existsSync(`${ROOT}${rootDir}/main.ts`)).toBe(true);
    expect(cmd.slice(1)).toEqual([`${outDir}/main.js`]);
    expect(copied.every((args) => args[0]?.startsWith('--from='))).toBe(true);
    const destinations = copied.map((args) => args.at(-1)).sort();
    expect(destinations.join(' ')).toBe('./dist ./node_modules ./package.json');
    expect(buildRuns).toMatch(/npm ci\b.*npm run build\b.*npm prune --omit=dev/);
  });

  it('when the build context is sent, then .dockerignore leaves out node_modules, .env, data and local builds', () => {
    const ignored = read('.dockerignore').split(/\s*\n\s*/);

    for (const kept of ['node_modules', '.env', 'data', 'dist', '.git'])
      expect(ignored).toContain(kept);
  });

  it('when nginx proxies, then it forwards X-Forwarded-For, X-Forwarded-Proto, Host and X-Request-Id over TLS 1.2+', () => {
    const headers = directives('proxy_set_header');

    expect(headers).toContain('X-Forwarded-For $proxy_add_x_forwarded_for');
    expect(headers).toContain('X-Forwarded-Proto $scheme');
    expect(headers).toContain('Host $host');
    expect(headers.some((header) => header.startsWith('X-Request-Id $'))).toBe(true);
    expect(directives('ssl_protocols')).toEqual(['TLSv1.2 TLSv1.3']);
  });

  it('when nginx limits bodies, then its limit is at or a little above the service default BODY_LIMIT_BYTES', () => {
    const [size = ''] = directives('client_max_body_size');
    const bytes = Number(/^(\d+)k$/.exec(size)?.[1]) * 1024;

    expect(bytes).toBeGreaterThanOrEqual(DEFAULTS.BODY_LIMIT_BYTES);
    expect(bytes).toBeLessThanOrEqual(2 * DEFAULTS.BODY_LIMIT_BYTES);
  });

  it('when the stack runs, then TRUST_PROXY is nginx address and only nginx publishes ports', () => {
    expect(app.environment.TRUST_PROXY).toBe(nginx.networks.backend?.ipv4_address);
    expect(Object.keys(app.networks)).toEqual(['backend']);
    expect(app.ports).toEqual([]);
    expect(nginx.ports).toEqual(['80:80', '443:443']);
  });

  it('when the stack starts, then the service waits for healthy MongoDB and Redis, the ones its URLs name', () => {
    const mongoUri = new URL(app.environment.MONGODB_URI ?? '');
    const redisHost = new URL(app.environment.REDIS_URL ?? '').hostname;
    const mongo = services[mongoUri.hostname];
    const replSet = /--replSet (\S+)/.exec(mongo?.command.join(' ') ?? '')?.[1];

    for (const store of [mongoUri.hostname, redisHost]) {
      expect(app.depends_on[store]?.condition).toBe('service_healthy');
      expect(services[store]?.healthcheck).toBeDefined();
    }
    expect(mongoUri.searchParams.get('w')).toBe('majority');
    expect(replSet).toBeDefined();
    expect(mongoUri.searchParams.get('replicaSet')).toBe(replSet);
    expect(mongo?.healthcheck?.test.join(' ')).toContain(`rs.initiate({ _id: '${replSet ?? ''}'`);
  });

  it('when the service is stopped, then its grace period outlasts SHUTDOWN_TIMEOUT and node gets the signal', () => {
    const grace = parseDurationSeconds(app.stop_grace_period);

    expect(grace).toBeGreaterThan(DEFAULTS.SHUTDOWN_TIMEOUT);
    expect(app.init).toBe(true);
  });
});

/** Runs the image's HEALTHCHECK command with node, aimed at `port` instead of the image's port. */
async function runHealthcheck(port: string, env: Record<string, string> = {}): Promise<number> {
  const [command, ...args] = healthcheck.map((part) =>
    part.replace(`127.0.0.1:${healthcheckUrl.port}`, `127.0.0.1:${port}`),
  );
  expect(command).toBe('node');
  expect(args.join(' ')).toContain(`127.0.0.1:${port}`);
  try {
    await promisify(execFile)(process.execPath, args, {
      env: { ...env },
      timeout: START_UP_LIMIT_MS,
    });
    return 0;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}
