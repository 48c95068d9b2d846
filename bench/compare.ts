// npm run bench:compare: one commit's service against another's in the same run, for a change that must not cost the
// hot paths (issue 20: refresh may not lose more than 10%). BENCH_BEFORE names the commit to compare against
// (required), BENCH_AFTER the one to judge (HEAD by default). Each is exported and built apart from the shared
// working tree (./commit-build.ts), both services run side by side, and refresh, profile and login are measured on
// both in alternating rounds (./scenarios/before-after.ts). Prints a table, writes bench/compare.json, and exits 1
// when a build fails to build or start, or answers anything but 200 under load.
import { loadavg } from 'node:os';
import {
  buildCommit,
  dependenciesDiffer,
  resolveCommit,
  type Commit,
  type CommitBuild,
} from './commit-build.js';
import {
  failuresOf,
  flagFailures,
  formatComparison,
  writeComparison,
  COMPARE_FILE,
} from './compare-report.js';
import { runPinnedCopy } from './cpu-affinity.js';
import { describeMachine } from './results.js';
import { compareBuilds } from './scenarios/before-after.js';
import { randomSecrets, startServer, type BenchServer } from './server.js';
import { readSettings } from './settings.js';

runPinnedCopy();
const step = (text: string) => process.stderr.write(`bench:compare: ${text}\n`);
const fail = (text: string): never => {
  step(text);
  process.exit(1);
};
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error));

const settings = readSettings(process.env);
const named = { before: process.env.BENCH_BEFORE, after: process.env.BENCH_AFTER ?? 'HEAD' };
if (named.before === undefined || named.before.trim() === '') {
  fail(
    'BENCH_BEFORE must name the commit to compare against (BENCH_BEFORE=HEAD~3, a branch, a hash)',
  );
}
const sides = ['before', 'after'] as const;
type Side = (typeof sides)[number];
const commits = {} as Record<Side, Commit>;
for (const side of sides) {
  try {
    commits[side] = resolveCommit(named[side] ?? '');
  } catch (error) {
    fail(`BENCH_${side.toUpperCase()}: ${reason(error)}`);
  }
}
const describeSide = (side: Side) =>
  `the ${side} build (${commits[side].short}, BENCH_${side.toUpperCase()}=${commits[side].named})`;

const builds: CommitBuild[] = [];
const servers: BenchServer[] = [];
const cleanUp = async () => {
  await Promise.all(servers.map((server) => server.stop()));
  for (const build of builds) build.remove();
};
const machine = describeMachine();
step(`load average at start ${machine.loadAverageAtStart.join(' ')}`);
try {
  for (const side of sides) {
    step(`building ${describeSide(side)} in a temp dir`);
    try {
      builds.push(buildCommit(commits[side]));
    } catch (error) {
      throw new Error(`${describeSide(side)} failed to build: ${reason(error)}`);
    }
  }
  const secrets = randomSecrets();
  for (const [index, side] of sides.entries()) {
    try {
      const main = builds[index]?.main;
      servers.push(await startServer(secrets, 'server', { main }));
    } catch (error) {
      throw new Error(`${describeSide(side)} did not start: ${reason(error)}`);
    }
  }
  const [before, after] = servers as [BenchServer, BenchServer];
  const { routes, differences } = await compareBuilds(before, after, settings, step);
  const run = {
    machine,
    loadAverageAtEnd: loadavg().map((load) => Number(load.toFixed(2))),
    settings,
    before: commits.before,
    after: commits.after,
    dependenciesDiffer: dependenciesDiffer(commits.before, commits.after),
    routes,
    differences,
  };
  writeComparison(run);
  process.stdout.write(`${formatComparison(run)}\nPer round: ${COMPARE_FILE}\n`);
  flagFailures(failuresOf(run), step);
} catch (error) {
  step(reason(error));
  process.exitCode = 1;
} finally {
  await cleanUp();
}
