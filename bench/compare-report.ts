// What bench:compare shows: one Markdown table (for each route, before, after, and after ÷ before as the median of the
// rounds' ratios), then every round's ratios, so the spread between rounds, the run's own noise floor, stands beside
// the medians it qualifies; and bench/compare.json, which keeps every round's figures. The table, the round lines,
// the failures and the disturbance line take the two sides' names, so bench:es256 (HS256 against ES256, one build)
// shows its run the same way.
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

/** What the two sides are called in a report: the first (`before`) and the second (`after`) measured. */
export interface SideNames {
  before: string;
  after: string;
}

const BUILD_NAMES: SideNames = { before: 'before', after: 'after' };

/** Routes on which a side answered anything but 200, dropped connections, or answered nothing: figures void. */
export function failuresOf(
  run: Pick<CompareRun, 'routes'>,
  names: SideNames = BUILD_NAMES,
): string[] {
  const failed = (f: Figures) =>
    f.successes === 0 || f.errors > 0 || Object.keys(f.otherStatuses).length > 0;
  const found: string[] = [];
  for (const compared of run.routes) {
    for (const side of ['before', 'after'] as const) {
      const f = compared[side];
      if (failed(f)) {
        found.push(
          `${compared.route}, ${names[side]}: ${String(f.successes)} answered 200; non-200 / errors ${failures(f)}`,
        );
      }
    }
  }
  return found;
}

/** Says which routes failed and makes the run exit 1: their figures measure another path than the one named. */
export function flagFailures(failures: string[], step: (text: string) => void): void {
  if (failures.length === 0) return;
  step(
    `not every answer was 200, so these figures measure something else:\n${failures.join('\n')}`,
  );
  process.exitCode = 1;
}

/** How much of the machine other processes took while the sides were measured, when enough to blur the ratios. */
export function disturbance(run: Pick<CompareRun, 'routes' | 'machine'>): string {
  const measured = run.routes.flatMap(({ before, after }) => [before, after]);
  const seconds = measured.reduce((total, f) => total + f.seconds, 0);
  const cores = measured.reduce((total, f) => total + (f.otherCores ?? 0) * f.seconds, 0) / seconds;
  if (!(cores > DISTURBED_CORES)) return '';
  return (
    `- **Disturbed**: other processes (or the hypervisor) took ${cores.toFixed(2)} of the ${String(run.machine.cpus)} ` +
    'cores on average while the sides were measured; read the ratios against the spread of the rounds, or run again ' +
    'on a quieter machine.\n'
  );
}

/**
 * The table (each route: the first side, the second, and second ÷ first as the median of the rounds' ratios) and a
 * line per route with every round's ratios. `labels` name the sides in the table's rows; `ratio` names the quotient, `column` the sides' column.
 */
export function formatRoutes(
  routes: RouteComparison[],
  rounds: number,
  labels: SideNames & { ratio: string; column?: string },
): { table: string; byRound: string } {
  let table = cells([
    'route',
    labels.column ?? 'build',
    'req/s',
    'p50 ms',
    'p99 ms',
    'server CPU µs/req',
    'other cores busy',
    'non-200 / errors',
  ]);
  table += cells(Array.from({ length: 8 }, () => '---'));
  for (const compared of routes) {
    const m = compared.medianRatios;
    table += sideRow(compared.route, labels.before, compared.before);
    table += sideRow('', labels.after, compared.after);
    table += cells([
      '',
      `**${labels.ratio}** (median of ${String(rounds)} rounds)`,
      ratio(m.rps),
      ratio(m.p50),
      ratio(m.p99),
      `**${ratio(m.cpu)}**`,
      '',
      '',
    ]);
  }
  const byRound = routes.map(
    ({ route, ratios, roundSeconds }) =>
      `- ${route}, ${labels.ratio} by round (${String(rounds)} of ${String(roundTo(roundSeconds, 2))} s per side): ` +
      `req/s ${spread((r) => r.rps, ratios)}; server CPU µs/req ${spread((r) => r.cpu, ratios)}\n`,
  );
  return { table, byRound: byRound.join('') };
}

export function formatComparison(run: CompareRun): string {
  const { machine, settings, before, after } = run;
  const label = (side: string, commit: Commit) => `${side} \`${commit.short}\``;
  const { table, byRound } = formatRoutes(run.routes, settings.rounds, {
    before: label('before', before),
    after: label('after', after),
    ratio: 'after ÷ before',
  });
  const commitLine = (side: string, commit: Commit) =>
    `- ${side}: \`${commit.short}\` (${commit.named}) ${commit.subject}\n`;
  return (
    `\n${machine.date} · ${String(machine.cpus)} × ${machine.cpuModel} · node ${machine.node} · ` +
    `load average ${machine.loadAverageAtStart.join(' ')} at the start, ${run.loadAverageAtEnd.join(' ')} at the end\n\n` +
    commitLine('before', before) +
    commitLine('after', after) +
    `\n${table}\n` +
    byRound +
    `- The order of the builds alternates by round (before first in odd rounds, after first in even ones); each ` +
    `build ran each route unmeasured first (BENCH_WARMUP_SECONDS); refresh chains are fresh every round.\n` +
    run.differences.map((difference) => `- **${difference}**\n`).join('') +
    disturbance(run) +
    `- Both builds run side by side, each with its own SQLite file, and take turns on the servers' core, login ` +
    `included (its bcrypt gets one core here, all of them in npm run bench). ${describePinning()}\n` +
    `- Both builds run on this checkout's node_modules${run.dependenciesDiffer ? ': **the two commits lock different dependencies**, so one side does not run on its own' : ' (the two commits lock the same dependencies)'}.\n`
  );
}
