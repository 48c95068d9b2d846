// npm run bench: measures the built service (dist/) and its baselines on loopback, one fresh process per scenario,
// prints the table and the budget, writes bench/results.json, and exits 1 when any budget line fails.
import { checkBudget } from './budget.js';
import { describePinning, runPinnedCopy } from './cpu-affinity.js';
import { disturbances, formatBudget, formatTable, RESULTS_FILE, writeResults } from './report.js';
import { describeMachine, type Measured, type Results } from './results.js';
import { measureBcryptRate } from './scenarios/bcrypt.js';
import { measureLoginStorm } from './scenarios/login-storm.js';
import { measureLogin } from './scenarios/login.js';
import { measureMemory } from './scenarios/memory.js';
import { measureRefresh } from './scenarios/refresh.js';
import { measureThroughput } from './scenarios/throughput.js';
import { randomSecrets, withServer } from './server.js';
import { readSettings } from './settings.js';

runPinnedCopy();
const settings = readSettings(process.env);
const secrets = randomSecrets();
const results: Results = {
  machine: describeMachine(),
  settings,
  notes: [
    'Baselines verify the same JWT (same KeyObject, HS256, iss, aud, typ, via jsonwebtoken) and answer the same JSON, ' +
      'but with the user held in memory: no session or user lookup in a store, no middleware, no log line.',
    `Load comes from autocannon in the benchmark's own process. ${describePinning()}`,
    "req/s counts 200 answers only; latencies are over every answer; server CPU µs/req is the server process's " +
      'user+system time (all threads) during the run divided by the answers it gave.',
  ],
  measured: {},
};
const measured = results.measured;
const step = (text: string) => process.stderr.write(`bench: ${text}\n`);

try {
  step(`raw bcrypt compare rate (${settings.seconds} s)`);
  measured.bcrypt = await measureBcryptRate(settings.seconds);

  step(
    `profile on the service, the Express 5 and node:http baselines: ${settings.rounds} interleaved rounds`,
  );
  const throughput = await measureThroughput(secrets, settings);
  measured.profile = throughput.profile;
  measured.express = throughput.express;
  measured.nodeHttp = throughput.nodeHttp;
  measured.profileRatios = { ratios: throughput.ratios, medianRatios: throughput.medianRatios };

  step(
    `refresh with rotation, in ${settings.rounds} rounds interleaved with profile on the same server`,
  );
  measured.refresh = await withServer(secrets, 'server', (server) =>
    measureRefresh(server, settings),
  );
  step(`login (${settings.loginConnections} connections)`);
  measured.login = await withServer(secrets, 'every', (server) => measureLogin(server, settings));
  const bcryptRate = measured.bcrypt.comparesPerSecond;
  step('health during a login storm at twice the bcrypt rate');
  measured.storm = await withServer(secrets, 'every', (server) =>
    measureLoginStorm(server, settings, bcryptRate),
  );
  step(`memory under ${settings.memorySeconds} s of steady profile load`);
  measured.memory = await withServer(secrets, 'server', (server) =>
    measureMemory(server, settings),
  );
} catch (error) {
  results.error = error instanceof Error ? (error.stack ?? error.message) : String(error);
  writeResults(results);
  process.stderr.write(`bench: failed; partial results in ${RESULTS_FILE}\n${results.error}\n`);
  process.exit(1);
}

const complete = measured as Measured;
const disturbed = disturbances(complete);
if (disturbed.length > 0) {
  results.notes.push(`Disturbed by other load, so less reliable: ${disturbed.join('; ')}.`);
}
results.budget = checkBudget(complete);
results.pass = results.budget.every((line) => line.pass);
writeResults(results);

const { machine } = results;
process.stdout.write(
  `\n${machine.date} · ${machine.cpus} × ${machine.cpuModel} · ${machine.memoryGiB} GiB · node ${machine.node}\n\n` +
    `${formatTable(complete)}\n\n${results.notes.map((note) => `- ${note}`).join('\n')}\n\n` +
    `Budget:\n${formatBudget(results.budget)}\n\nResults: ${RESULTS_FILE}\n`,
);
process.exitCode = results.pass ? 0 : 1;
