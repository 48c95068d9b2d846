// npm run bench:profile: the built service under the profile load (or BENCH_PROFILE_TARGET=refresh) with
// node --cpu-prof, then the top self-time functions of its profile. BENCH_PROFILE_TARGET=profile-vs-express profiles
// the plain Express baseline under the same load too and ranks what the service spends per request beyond it.
// The .cpuprofile files stay on disk for DevTools.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { login, register } from './accounts.js';
import { comparePerRequest, summarizeCpuProfile, type CpuProfile } from './cpu-profile.js';
import { runLoad, type Figures } from './measure.js';
import { BASELINES, startBaseline } from './scenarios/baselines.js';
import { prepareProfile, profileLoad } from './scenarios/profile.js';
import { measureRefresh } from './scenarios/refresh.js';
import { randomSecrets, startServer, type BenchServer } from './server.js';
import { readSettings } from './settings.js';
import { runPinnedCopy } from './cpu-affinity.js';

runPinnedCopy();
const TARGETS = ['profile', 'refresh', 'profile-vs-express'] as const;
type Target = (typeof TARGETS)[number];
const seconds = Number(process.env.BENCH_PROFILE_SECONDS ?? 15);
const target = process.env.BENCH_PROFILE_TARGET ?? 'profile';
if (!TARGETS.includes(target as Target)) {
  throw new Error(`BENCH_PROFILE_TARGET must be one of ${TARGETS.join(', ')}; got ${target}`);
}
const settings = { ...readSettings(process.env), seconds, warmupSeconds: 1 };
const dir = process.env.BENCH_PROFILE_DIR ?? mkdtempSync(join(tmpdir(), 'auth-api-cpu-profile-'));
const secrets = randomSecrets();

const cpuProfileArgs = (subdir: string) => {
  mkdirSync(join(dir, subdir), { recursive: true });
  return ['--cpu-prof', `--cpu-prof-dir=${join(dir, subdir)}`];
};

function newestProfile(subdir: string): { path: string; profile: CpuProfile } {
  // CPU.<date>.<time>.<pid>.<thread>.<n>.cpuprofile: thread 0 is the main thread (tsx's loader has one of its own).
  const written = readdirSync(join(dir, subdir)).filter((name) =>
    /\.0\.\d+\.cpuprofile$/.test(name),
  );
  const newest = written.sort().at(-1);
  if (newest === undefined) throw new Error(`no .cpuprofile in ${join(dir, subdir)}`);
  const path = join(dir, subdir, newest);
  return { path, profile: JSON.parse(readFileSync(path, 'utf8')) as CpuProfile };
}

/** Runs `measure` on a service under the profiler; stops it (a graceful exit writes the profile) either way. */
async function profiledService<T>(measure: (server: BenchServer) => Promise<T>): Promise<T> {
  const server = await startServer(secrets, 'server', { nodeArgs: cpuProfileArgs('service') });
  try {
    return await measure(server);
  } finally {
    await server.stop();
  }
}

const describe = (name: string, figures: Figures) =>
  `${name}: ${figures.rps} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms`;

process.stderr.write(`bench:profile: ${target} for ${seconds} s under node --cpu-prof\n`);
if (target === 'profile-vs-express') {
  const { service, prepared } = await profiledService(async (server) => {
    const profile = await prepareProfile(server, settings);
    return { service: await runLoad(profile.load(seconds)), prepared: profile };
  });
  const baseline = await startBaseline(
    BASELINES.express,
    { secrets, signedIn: prepared.signedIn, answer: prepared.answer },
    settings,
    cpuProfileArgs('express'),
  );
  let express: Figures;
  try {
    express = await runLoad(baseline.load(seconds));
  } finally {
    await baseline.stop();
  }
  const ours = newestProfile('service');
  const theirs = newestProfile('express');
  process.stdout.write(
    `${describe('service', service)}\n${describe('Express baseline', express)}\n(both slower than npm run bench: ` +
      `the profiler costs CPU)\nprofiles: ${ours.path}, ${theirs.path}\n\n` +
      `${comparePerRequest(
        { profile: ours.profile, requests: service.responses },
        { profile: theirs.profile, requests: express.responses },
      )}\n`,
  );
} else {
  const figures = await profiledService(async (server) => {
    if (target === 'refresh') return (await measureRefresh(server, settings)).figures;
    await register(server.baseUrl);
    const { accessToken } = await login(server.baseUrl);
    return runLoad(profileLoad(server.baseUrl, accessToken, seconds, settings.connections));
  });
  const { path, profile } = newestProfile('service');
  process.stdout.write(
    `${describe(target, figures)} (slower than npm run bench: the profiler costs CPU)\nprofile: ${path}\n\n` +
      `${summarizeCpuProfile(profile)}\n`,
  );
}
