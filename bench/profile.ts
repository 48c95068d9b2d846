// npm run bench:profile: the built service under the profile load (or BENCH_PROFILE_TARGET=refresh) with
// node --cpu-prof, then the top self-time functions of its profile. The .cpuprofile stays on disk for DevTools.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { login, register } from './accounts.js';
import { summarizeCpuProfile, type CpuProfile } from './cpu-profile.js';
import { runLoad, type Figures } from './measure.js';
import { profileLoad } from './scenarios/profile.js';
import { measureRefresh } from './scenarios/refresh.js';
import { randomSecrets, startServer, type BenchServer } from './server.js';
import { readSettings } from './settings.js';
import { runPinnedCopy } from './cpu-affinity.js';

runPinnedCopy();
const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 15);
const target = process.env.BENCH_PROFILE_TARGET ?? 'profile';
if (target !== 'profile' && target !== 'refresh') {
  throw new Error(`BENCH_PROFILE_TARGET must be profile or refresh, got ${target}`);
}
const settings = { ...readSettings(process.env), seconds, warmupSeconds: 1 };
const dir = process.env.BENCH_PROFILE_DIR ?? mkdtempSync(join(tmpdir(), 'auth-api-cpu-profile-'));

async function load(server: BenchServer): Promise<Figures> {
  if (target === 'refresh') return (await measureRefresh(server, settings)).figures;
  await register(server.baseUrl);
  const { accessToken } = await login(server.baseUrl);
  return runLoad(profileLoad(server.baseUrl, accessToken, seconds, settings.connections));
}

process.stderr.write(`bench:profile: ${target} for ${seconds} s under node --cpu-prof\n`);
const server = await startServer(randomSecrets(), 'server', [
  '--cpu-prof',
  `--cpu-prof-dir=${dir}`,
]);
let figures: Figures;
try {
  figures = await load(server);
} finally {
  // A graceful exit: the profile is written as the process ends.
  await server.stop();
}

const written = readdirSync(dir).filter((name) => name.endsWith('.cpuprofile'));
const newest = written.sort().at(-1);
if (newest === undefined) throw new Error(`no .cpuprofile in ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, newest), 'utf8')) as CpuProfile;
process.stdout.write(
  `${target}: ${figures.rps} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms (slower than ` +
    `npm run bench: the profiler costs CPU)\nprofile: ${join(dir, newest)}\n\n${summarizeCpuProfile(profile)}\n`,
);
