// What bench:compare shows: one Markdown table (for each route, before, after, and after ÷ before as the median of the
// rounds' ratios), then every round's ratios, so the spread between rounds, the run's own noise floor, stands beside
// the medians it qualifies; and bench/compare.json, which keeps every round's figures.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RoundRatios } from './alternating-rounds.js';
import type { Commit } from './commit-build.js';
import { describePinning } from './cpu-affinity.js';
import { roundTo, type Figures } from './measure.js';
import type { Machine } from './results.js';
import { DISTURBED_CORES } from './report.js';
import type { RouteComparison } from './scenarios/before-after.js';
import type { BenchSettings } from './settings.js';

export const COMPARE_FILE = fileURLToPath(new URL('compare.json', import.meta.url));

export interface CompareRun {
  machine: Machine;
  loadAverageAtEnd: number[];
  settings: BenchSettings;
  before: Commit;
  after: Commit;
  /** package-lock.json differs between the commits; both ran on this checkout's node_modules. */
  dependenciesDiffer: boolean;
  routes: RouteComparison[];
  /** Where the builds' answers differ in shape. */
  differences: string[];
}

export function writeComparison(run: CompareRun): void {
  writeFileSync(COMPARE_FILE, `${JSON.stringify(run, null, 2)}\n`);
}

const ratio = (value: number) => value.toFixed(2);
const cells = (values: string[]) => `| ${values.join(' | ')} |\n`;

function failures(f: Figures): string {
  const statuses = Object.entries(f.otherStatuses).map(([status, n]) => `${String(n)}×${status}`);
  return `${statuses.join(', ') || '0'} / ${String(f.errors)}`;
}

const sideRow = (route: string, build: string, f: Figures) =>
  cells([
    route,
    build,
    String(f.rps),
    f.p50Ms.toFixed(2),
    f.p99Ms.toFixed(2),
    String(f.cpuUsPerResponse ?? ''),
    String(f.otherCores ?? ''),
    failures(f),
  ]);

function spread(pick: (r: RoundRatios) => number, ratios: RoundRatios[]): string {
  const values = ratios.map(pick);
  const range = `${ratio(Math.min(...values))}–${ratio(Math.max(...values))}`;
  return `${values.map(ratio).join(', ')} (range ${range})`;
}

/** Routes on which a build answered anything but 200, dropped connections, or answered nothing: figures void. */
export function failuresOf(run: CompareRun): string[] {
  const failed = (f: Figures) =>
    f.successes === 0 || f.errors > 0 || Object.keys(f.otherStatuses).length > 0;
  const found: string[] = [];
  for (const compared of run.routes) {
    for (const side of ['before', 'after'] as const) {
      const f = compared[side];
      if (failed(f)) {
        found.push(
          `${compared.route}, ${side}: ${String(f.successes)} answered 200; non-200 / errors ${failures(f)}`,
        );
      }
    }
  }
  return found;
}

/** How much of the machine other processes took while the builds were measured, when enough to blur the ratios. */
function disturbance(run: CompareRun): string {
  const measured = run.routes.flatMap(({ before, after }) => [before, after]);
  const seconds = measured.reduce((total, f) => total + f.seconds, 0);
  const cores = measured.reduce((total, f) => total + (f.otherCores ?? 0) * f.seconds, 0) / seconds;
  if (!(cores > DISTURBED_CORES)) return '';
  return (
    `- **Disturbed**: other processes (or the hypervisor) took ${cores.toFixed(2)} of the ${String(run.machine.cpus)} ` +
    'cores on average while the builds were measured; read the ratios against the spread of the rounds, or run again ' +
    'on a quieter machine.\n'
  );
}

export function formatComparison(run: CompareRun): string {
  const { machine, settings, before, after } = run;
  const rounds = settings.rounds;
  const label = (side: string, commit: Commit) => `${side} \`${commit.short}\``;
  let table = cells([
    'route',
    'build',
    'req/s',
    'p50 ms',
    'p99 ms',
    'server CPU µs/req',
    'other cores busy',
    'non-200 / errors',
  ]);
  table += cells(Array.from({ length: 8 }, () => '---'));
  for (const compared of run.routes) {
    const m = compared.medianRatios;
    table += sideRow(compared.route, label('before', before), compared.before);
    table += sideRow('', label('after', after), compared.after);
    table += cells([
      '',
      `**after ÷ before** (median of ${String(rounds)} rounds)`,
      ratio(m.rps),
      ratio(m.p50),
      ratio(m.p99),
      `**${ratio(m.cpu)}**`,
      '',
      '',
    ]);
  }
  const byRound = run.routes.map(
    ({ route, ratios, roundSeconds }) =>
      `- ${route}, after ÷ before by round (${String(rounds)} of ${String(roundTo(roundSeconds, 2))} s per build): ` +
      `req/s ${spread((r) => r.rps, ratios)}; server CPU µs/req ${spread((r) => r.cpu, ratios)}\n`,
  );
  const commitLine = (side: string, commit: Commit) =>
    `- ${side}: \`${commit.short}\` (${commit.named}) ${commit.subject}\n`;
  return (
    `\n${machine.date} · ${String(machine.cpus)} × ${machine.cpuModel} · node ${machine.node} · ` +
    `load average ${machine.loadAverageAtStart.join(' ')} at the start, ${run.loadAverageAtEnd.join(' ')} at the end\n\n` +
    commitLine('before', before) +
    commitLine('after', after) +
    `\n${table}\n` +
    byRound.join('') +
    `- The order of the builds alternates by round (before first in odd rounds, after first in even ones); each ` +
    `build ran each route unmeasured first (BENCH_WARMUP_SECONDS); refresh chains are fresh every round.\n` +
    run.differences.map((difference) => `- **${difference}**\n`).join('') +
    disturbance(run) +
    `- Both builds run side by side, each with its own SQLite file, and take turns on the servers' core, login ` +
    `included (its bcrypt gets one core here, all of them in npm run bench). ${describePinning()}\n` +
    `- Both builds run on this checkout's node_modules${run.dependenciesDiffer ? ': **the two commits lock different dependencies**, so one side does not run on its own' : ' (the two commits lock the same dependencies)'}.\n`
  );
}
