// npm run bench:stores: profile, refresh and login on the embedded SQLite store and on the MongoDB adapter over the
// wire, in one run on one machine. The wire server is BENCH_MONGODB_URI, or a FerretDB (or mongod) on PATH started on
// a free port with its data in a temp folder (.ci/ferretdb.sh builds FerretDB). No budget applies: the figures say
// what the network hop and the adapter cost, beside the embedded store. Written to stdout and bench/stores.json.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startMongoServer } from '../test/helpers/mongo-server.js';
import { runPinnedCopy, describePinning } from './cpu-affinity.js';
import { runLoad, warmUp, type Figures } from './measure.js';
import { describeMachine } from './results.js';
import { measureLogin } from './scenarios/login.js';
import { prepareProfile } from './scenarios/profile.js';
import { measureRefresh } from './scenarios/refresh.js';
import { randomSecrets, withServer } from './server.js';
import { readSettings } from './settings.js';

runPinnedCopy();
const settings = readSettings(process.env);
const secrets = randomSecrets();
const step = (text: string) => process.stderr.write(`bench:stores: ${text}\n`);
const OUTPUT = fileURLToPath(new URL('stores.json', import.meta.url));

interface StoreFigures {
  profile: Figures;
  refresh: Figures;
  refreshVsProfile: number;
  login: Figures;
}

/** `envFor()` gives each fresh server its store: a database of its own on the wire server, like SQLite's new file. */
async function measureStore(envFor: () => Record<string, string>): Promise<StoreFigures> {
  const profile = await withServer(
    secrets,
    'server',
    async (server) => {
      const target = await prepareProfile(server, settings);
      await warmUp(target.load(settings.warmupSeconds));
      return runLoad(target.load(settings.seconds));
    },
    envFor(),
  );
  const refresh = await withServer(
    secrets,
    'server',
    (server) => measureRefresh(server, settings),
    envFor(),
  );
  const login = await withServer(
    secrets,
    'every',
    (server) => measureLogin(server, settings),
    envFor(),
  );
  return { profile, refresh: refresh.figures, refreshVsProfile: refresh.medianRatio, login };
}

const external = process.env.BENCH_MONGODB_URI;
const wire = external === undefined || external === '' ? await startMongoServer() : undefined;
let databases = 0;
const mongoEnv = () => {
  databases += 1;
  return {
    MONGODB_URI: `${external ?? wire?.uri ?? ''}/auth_bench_${String(Date.now())}_${String(databases)}`,
  };
};
const wireName = wire?.description ?? 'BENCH_MONGODB_URI';
try {
  step('sqlite (embedded)');
  const sqlite = await measureStore(() => ({}));
  step(`mongodb adapter on ${wireName}`);
  const mongo = await measureStore(mongoEnv);
  const machine = describeMachine();
  const row = (name: string, figures: Figures, note = '') =>
    `| ${name} | ${String(figures.rps)} | ${String(figures.p50Ms)} | ${String(figures.p99Ms)} | ${String(figures.cpuUsPerResponse ?? '')} | ${JSON.stringify(figures.otherStatuses)} | ${note} |`;
  process.stdout.write(
    `\n${machine.date} · ${String(machine.cpus)} × ${machine.cpuModel} · node ${machine.node} · wire server: ${wireName}\n\n` +
      '| scenario | req/s | p50 ms | p99 ms | service CPU µs/req | non-200 | notes |\n| --- | --- | --- | --- | --- | --- | --- |\n' +
      [
        row('profile, SQLite', sqlite.profile),
        row('profile, MongoDB adapter', mongo.profile),
        row(
          'refresh, SQLite',
          sqlite.refresh,
          `${(sqlite.refreshVsProfile * 100).toFixed(1)}% of profile`,
        ),
        row(
          'refresh, MongoDB adapter',
          mongo.refresh,
          `${(mongo.refreshVsProfile * 100).toFixed(1)}% of profile`,
        ),
        row('login, SQLite', sqlite.login),
        row('login, MongoDB adapter', mongo.login),
      ].join('\n') +
      `\n\n- ${describePinning()} The wire server is not pinned: its CPU is not in the service's µs/req.\n`,
  );
  writeFileSync(
    OUTPUT,
    `${JSON.stringify({ machine, settings, wire: wireName, sqlite, mongo }, null, 2)}\n`,
  );
} finally {
  await wire?.remove();
}
