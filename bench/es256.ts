// npm run bench:es256: what ES256 access tokens cost against HS256 (issue 21: profile in ES256 mode within 10% of
// HS256 mode). One build (this working tree's dist/), two servers side by side whose settings differ only in
// JWT_ACCESS_ALG, the ES256 one with a key ring made for it in a temp dir (production mode creates none). Refresh,
// profile and login are measured on both in alternating rounds by bench:compare's machinery
// (./scenarios/before-after.ts, HS256 as the first side), and in-process sign and verify rates stand beside them
// (./jwt-rate.ts). Prints the tables, writes bench/es256.json, and exits 1 when a side fails to start, runs in the
// wrong mode, or answers anything but 200 under load.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newKeyFile, writeKeyFile } from '../src/keys/signing-key-file.js';
import { disturbance, failuresOf, flagFailures, formatRoutes } from './compare-report.js';
import { describePinning, runPinnedCopy } from './cpu-affinity.js';
import { measureJwtRates, type JwtRate } from './jwt-rate.js';
import { describeMachine } from './results.js';
import { compareBuilds } from './scenarios/before-after.js';
import { randomSecrets, startServer, type BenchServer } from './server.js';
import { readSettings } from './settings.js';
import { commitOfTree } from './tree-commit.js';

runPinnedCopy();
const OUTPUT = fileURLToPath(new URL('es256.json', import.meta.url));
/** Seconds each in-process sign or verify rate is measured for. */
const JWT_RATE_SECONDS = 2;
/** Profile in ES256 mode must keep this share of HS256 mode's req/s (issue 21). */
const PROFILE_FLOOR = 0.9;
const NAMES = { before: 'HS256', after: 'ES256' };
const step = (text: string) => process.stderr.write(`bench:es256: ${text}\n`);
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A key dir holding one active P-256 key, as an operator prepares one for production. */
function prepareKeyRing(): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-api-bench-keys-'));
  const now = new Date();
  writeKeyFile(dir, { ...newKeyFile(now), state: 'active', activatedAt: now.toISOString() });
  return dir;
}

/** The JWKS tells the modes apart: none published for HS256, the ring's key for ES256. */
async function checkMode(server: BenchServer, expectedKeys: number, name: string): Promise<void> {
  const response = await fetch(`${server.baseUrl}/.well-known/jwks.json`);
  const { keys } = (await response.json()) as { keys?: unknown[] };
  if (keys?.length !== expectedKeys) {
    throw new Error(
      `the ${name} server publishes ${String(keys?.length)} keys, not ${String(expectedKeys)}`,
    );
  }
}

const rateRow = (r: JwtRate) =>
  `| ${r.algorithm} | ${r.signsPerSecond.toLocaleString('en-US')} | ${r.verifiesPerSecond.toLocaleString('en-US')} | ${String(r.tokenLength)} |\n`;

const settings = readSettings(process.env);
const machine = describeMachine();
step(`load average at start ${machine.loadAverageAtStart.join(' ')}`);
step(`sign and verify in-process, ${String(JWT_RATE_SECONDS)} s each`);
const jwtRates = measureJwtRates(JWT_RATE_SECONDS);
const keysDir = prepareKeyRing();
const servers: BenchServer[] = [];
try {
  const secrets = randomSecrets();
  const modes: { name: string; extraEnv: Record<string, string>; publishedKeys: number }[] = [
    { name: NAMES.before, extraEnv: {}, publishedKeys: 0 },
    {
      name: NAMES.after,
      extraEnv: { JWT_ACCESS_ALG: 'ES256', JWT_KEYS_DIR: keysDir },
      publishedKeys: 1,
    },
  ];
  for (const { name, extraEnv, publishedKeys } of modes) {
    let server: BenchServer;
    try {
      server = await startServer(secrets, 'server', { extraEnv });
    } catch (error) {
      throw new Error(`the ${name} server did not start: ${reason(error)}`);
    }
    servers.push(server);
    await checkMode(server, publishedKeys, name);
  }
  const [hs256, es256] = servers as [BenchServer, BenchServer];
  const { routes, differences } = await compareBuilds(hs256, es256, settings, step);
  const run = {
    machine,
    loadAverageAtEnd: loadavg().map((load) => Number(load.toFixed(2))),
    commit: commitOfTree(),
    settings,
    sides: NAMES,
    jwtRates,
    routes,
    differences,
  };
  writeFileSync(OUTPUT, `${JSON.stringify(run, null, 2)}\n`);
  const { table, byRound } = formatRoutes(routes, settings.rounds, {
    ...NAMES,
    ratio: 'ES256 ÷ HS256',
    column: 'JWT_ACCESS_ALG',
  });
  const profile = routes.find((route) => route.route === 'GET /api/auth/profile');
  const profileRatio = profile?.medianRatios.rps ?? Number.NaN;
  const verdict =
    `- Profile in ES256 mode: ${profileRatio.toFixed(2)} of HS256 mode's req/s (median of the rounds), ` +
    `${profileRatio >= PROFILE_FLOOR ? '**within**' : '**not within**'} 10% of HS256 mode (issue 21 asks ≥ ${PROFILE_FLOOR.toFixed(2)}); ` +
    `server CPU per request ×${(profile?.medianRatios.cpu ?? Number.NaN).toFixed(2)}.\n`;
  process.stdout.write(
    `\n${machine.date} · commit ${run.commit} · ${String(machine.cpus)} × ${machine.cpuModel} · node ${machine.node} · ` +
      `load average ${machine.loadAverageAtStart.join(' ')} at the start, ${run.loadAverageAtEnd.join(' ')} at the end\n\n` +
      '| in-process, jsonwebtoken, KeyObjects | signs/s | verifies/s | token length |\n' +
      '| --- | --- | --- | --- |\n' +
      jwtRates.map(rateRow).join('') +
      `\n${table}\n` +
      byRound +
      verdict +
      `- One build; the two servers differ only in JWT_ACCESS_ALG (refresh tokens are HS256 in both). The order ` +
      `alternates by round (HS256 first in odd rounds); each side ran each route unmeasured first.\n` +
      differences.map((difference) => `- **${difference}**\n`).join('') +
      disturbance(run) +
      `- ${describePinning()}\n` +
      `Per round: ${OUTPUT}\n`,
  );
  flagFailures(failuresOf(run, NAMES), step);
} catch (error) {
  step(reason(error));
  process.exitCode = 1;
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  rmSync(keysDir, { recursive: true, force: true });
}
