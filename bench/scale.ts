// npm run bench:scale (issue 23): the service on a store of a million accounts and five million refresh tokens, a
// realistic share of them expired, against an empty store in the same run. Seeds the store (./scale/), starts both
// servers side by side with the loop-delay probe in each, runs sign-ins, refreshes and profile reads on the seeded one
// until its own expiry sweep has worked off the expired share (./scenarios/sweep-under-load.ts), then measures
// refresh, profile and login on both in alternating rounds (bench:compare's machinery, the empty store first).
// Budgets (SQLite only): each rate within 10% of the empty store's, no event-loop stall of 50 ms or more during the
// sweep. Prints the report, writes bench/scale.json, exits 1 when a budget fails.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startMongoServer, type StartedMongoServer } from '../test/helpers/mongo-server.js';
import { login } from './accounts.js';
import { runPinnedCopy } from './cpu-affinity.js';
import { readPeakRssMiB, readRssMiB } from './proc.js';
import { describeMachine } from './results.js';
import { readScaleArguments } from './scale/arguments.js';
import { formatScaleReport, scaleBudget } from './scale/report.js';
import {
  prepareSeededStore,
  seededAccount,
  sqliteContents,
  sqliteFileMiB,
  type SeededStore,
} from './scale/seeded-store.js';
import { compareBuilds } from './scenarios/before-after.js';
import { profileLoad } from './scenarios/profile.js';
import { measureSweepUnderLoad } from './scenarios/sweep-under-load.js';
import { randomSecrets, startServer, type BenchServer } from './server.js';
import { readSettings } from './settings.js';
import { commitOfTree } from './tree-commit.js';

runPinnedCopy();
const OUTPUT = fileURLToPath(new URL('scale.json', import.meta.url));
const PROBE = fileURLToPath(new URL('loop-delay-probe.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const step = (text: string) => process.stderr.write(`bench:scale: ${text}\n`);

const args = readScaleArguments(process.argv.slice(2));
const settings = readSettings(process.env);
const machine = describeMachine();
step(`load average at start ${machine.loadAverageAtStart.join(' ')}`);
let wire: StartedMongoServer | undefined;
const servers: BenchServer[] = [];
const probeDir = mkdtempSync(join(tmpdir(), 'auth-api-scale-probe-'));
let removeStore: () => void = () => undefined;
try {
  if (args.store === 'mongo' && args.uri === undefined) wire = await startMongoServer();
  const wireUri = args.uri ?? wire?.uri;
  step(`${args.from === undefined ? 'seeding' : `copying ${args.from}`} (${args.store})`);
  const store = await prepareSeededStore(args, wireUri, step);
  removeStore = store.remove;
  if (store.seedSeconds !== undefined) step(`seeded in ${store.seedSeconds.toFixed(0)} s`);
  if (!args.seedOnly) await measureOn(store, wireUri);
} catch (error) {
  step(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
} finally {
  await Promise.all(servers.map((server) => server.stop()));
  removeStore();
  rmSync(probeDir, { recursive: true, force: true });
  await wire?.remove();
}

/** Both servers, the sweep under load on the seeded one, then the rates on both; prints and writes the run. */
async function measureOn(store: SeededStore, wireUri: string | undefined): Promise<void> {
  const before =
    store.path === undefined
      ? undefined
      : {
          file: sqliteFileMiB(store.path),
          contents: sqliteContents(store.path, Date.now()),
        };

  const secrets = randomSecrets();
  const probed = (name: string) => {
    const file = join(probeDir, `${name}.jsonl`);
    return {
      file,
      options: {
        nodeArgs: ['--import', TSX, '--import', PROBE],
        ...(args.main === undefined ? {} : { main: args.main }),
      },
    };
  };
  const emptyProbe = probed('empty');
  const seededProbe = probed('seeded');
  const emptyEnv: Record<string, string> =
    args.store === 'mongo'
      ? { MONGODB_URI: `${wireUri ?? ''}/auth_scale_empty_${String(Date.now())}` }
      : {};
  const empty = await startServer(secrets, 'server', {
    ...emptyProbe.options,
    extraEnv: { ...emptyEnv, BENCH_LOOP_DELAY_FILE: emptyProbe.file },
  });
  servers.push(empty);
  const seeded = await startServer(secrets, 'server', {
    ...seededProbe.options,
    extraEnv: { ...store.env, BENCH_LOOP_DELAY_FILE: seededProbe.file },
  });
  servers.push(seeded);
  const pick = seededAccount(store.users);

  step(
    'load on the seeded store until its expiry sweep has run (it starts a minute after the server)',
  );
  const reader = await login(seeded.baseUrl, pick());
  const sweep = await measureSweepUnderLoad(
    seeded,
    (seconds) => ({
      ...profileLoad(seeded.baseUrl, reader.accessToken, seconds, 1),
      pid: seeded.pid,
    }),
    pick,
    seededProbe.file,
    step,
  );
  step(
    `swept in ${(sweep.sweep.durationMs / 1000).toFixed(1)} s; loop max ${String(sweep.loop.during.maxMs)} ms`,
  );

  const { routes, differences } = await compareBuilds(empty, seeded, settings, step, {
    after: pick,
  });
  const rss = {
    empty: { now: readRssMiB(empty.pid), peak: readPeakRssMiB(empty.pid) },
    seeded: { now: readRssMiB(seeded.pid), peak: readPeakRssMiB(seeded.pid) },
  };
  await Promise.all(servers.splice(0).map((server) => server.stop()));
  const after =
    store.path === undefined
      ? undefined
      : {
          file: sqliteFileMiB(store.path),
          contents: sqliteContents(store.path, Date.now()),
        };
  const run = {
    machine,
    loadAverageAtEnd: loadavg().map((load) => Number(load.toFixed(2))),
    commit: args.main === undefined ? commitOfTree() : `the build at ${args.main}`,
    settings,
    args,
    seedSeconds: store.seedSeconds,
    store: { before, after },
    sweep,
    routes,
    differences,
    rss,
  };
  writeFileSync(OUTPUT, `${JSON.stringify(run, null, 2)}\n`);
  const budget = scaleBudget(run);
  process.stdout.write(formatScaleReport(run, budget, OUTPUT));
  if (args.store === 'sqlite' && budget.some((line) => !line.pass)) process.exitCode = 1;
  if (args.keep !== undefined) step(`the seeded database stays at ${args.keep}`);
}
