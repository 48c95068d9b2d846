// npm run bench:forgot: POST /api/auth/password/forgot for addresses with an account and without one, on one server
// (bench/scenarios/forgot.ts), against DESIGN §8: an unknown address costs the same as a known one. The accounts are
// written into the server's SQLite file before it starts (bench/seeded-accounts.ts), one per known request.
// BENCH_FORGOT_ACCOUNTS sets how many (the run fails when they run out). No budget applies: it prints a table and the
// known ÷ unknown ratios, and writes bench/forgot.json.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describePinning, runPinnedCopy } from './cpu-affinity.js';
import type { Figures } from './measure.js';
import { describeMachine } from './results.js';
import { measureForgot, type ForgotComparison } from './scenarios/forgot.js';
import { seedAccounts } from './seeded-accounts.js';
import { randomSecrets, withServer } from './server.js';
import { readSettings } from './settings.js';
import { commitOfTree } from './tree-commit.js';

runPinnedCopy();
const settings = readSettings(process.env);
const accounts = Number(process.env.BENCH_FORGOT_ACCOUNTS ?? '100000');
const OUTPUT = fileURLToPath(new URL('forgot.json', import.meta.url));
const step = (text: string) => process.stderr.write(`bench:forgot: ${text}\n`);

const machine = describeMachine();
step(
  `load average at start ${machine.loadAverageAtStart.join(' ')}; seeding ${String(accounts)} accounts`,
);
const run = await withServer(
  randomSecrets(),
  'server',
  (server) => {
    step('measuring');
    return measureForgot(server, settings, accounts);
  },
  {},
  (sqlitePath) => seedAccounts(sqlitePath, accounts),
);

const percent = (ratio: number) => `${((ratio - 1) * 100).toFixed(1)}%`;
const times = (ratio: number) => `×${ratio.toFixed(2)}`;
const ms = (value: number) => value.toFixed(2);
const row = (name: string, f: Figures) =>
  `| ${name} | ${String(f.rps)} | ${ms(f.p50Ms)} | ${ms(f.p99Ms)} | ${String(f.cpuUsPerResponse ?? '')} | ${String(f.otherCores ?? '')} | ${JSON.stringify(f.otherStatuses)} |\n`;
const ratioRow = (name: string, c: ForgotComparison) =>
  `| ${name}: known ÷ unknown, median of rounds | ${times(c.medianRatios.rps)} | ${times(c.medianRatios.p50)} | ${times(c.medianRatios.p99)} | ${times(c.medianRatios.cpu)} | | |\n`;
const rounds = (c: ForgotComparison) =>
  c.ratios.map((r) => `cpu ${percent(r.cpu)}, p50 ${percent(r.p50)}`).join('; ');
const { loaded, oneAtATime } = run;
const handedOn =
  run.log.handedOn.composed +
  Object.values(run.log.handedOn.nothingToSend).reduce((sum, count) => sum + count, 0);
process.stdout.write(
  `\n${machine.date} · commit ${commitOfTree()} · ${String(machine.cpus)} × ${machine.cpuModel} · node ${machine.node} · load average at start ${machine.loadAverageAtStart.join(' ')}\n\n` +
    '| POST /api/auth/password/forgot | req/s | p50 ms | p99 ms | server CPU µs/req | other cores busy | non-202 |\n' +
    '| --- | --- | --- | --- | --- | --- | --- |\n' +
    row(`known address, ${String(run.connections)} connections`, loaded.known) +
    row(`unknown address, ${String(run.connections)} connections`, loaded.unknown) +
    ratioRow(`${String(run.connections)} connections`, loaded) +
    row('known address, one at a time', oneAtATime.known) +
    row('unknown address, one at a time', oneAtATime.unknown) +
    ratioRow('one at a time', oneAtATime) +
    `\n- Rounds, how much more known cost than unknown: ${String(run.connections)} connections: ${rounds(loaded)}\n` +
    `- One at a time: ${rounds(oneAtATime)}\n` +
    `- ${String(run.rounds)} interleaved rounds per line; ${String(run.knownAddressesUsed)} of ${String(run.accounts)} seeded addresses used, each once.\n` +
    `- The server's log: ${String(run.log.requests.known)} requests for known addresses and ${String(run.log.requests.unknown)} for unknown ones answered; the outbox worker reached ${String(handedOn)} of them: ${String(run.log.handedOn.composed)} links composed, nothing to send for ${JSON.stringify(run.log.handedOn.nothingToSend)}.\n` +
    `- ${describePinning()}\n`,
);
writeFileSync(OUTPUT, `${JSON.stringify({ machine, settings, run }, null, 2)}\n`);
