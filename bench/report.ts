// What a run shows: one table (Markdown, so it pastes into bench/README.md), the budget lines, and results.json.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Figures } from './measure.js';
import type { BudgetLine, Measured, Results } from './results.js';

export const RESULTS_FILE = fileURLToPath(new URL('results.json', import.meta.url));

export function writeResults(results: Results): void {
  writeFileSync(RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
}

const HEADER = [
  'scenario',
  'req/s',
  'p50 ms',
  'p99 ms',
  'errors / non-200',
  'server CPU µs/req',
  'vs Express',
  'vs node:http',
  'notes',
];
const ratio = (value: number, base: number) => (value / base).toFixed(2);
const percent = (value: number, base: number) => `${((value / base) * 100).toFixed(0)}%`;
const NO_RATIO: [string, string] = ['', ''];
/** More than this many cores' worth used by other processes during a run marks its figures as disturbed. */
export const DISTURBED_CORES = 0.15;

function failures(figures: Figures): string {
  const other = Object.values(figures.otherStatuses).reduce((sum, count) => sum + count, 0);
  const which = Object.entries(figures.otherStatuses).map(([status, n]) => `${n}×${status}`);
  return `${figures.errors} / ${other}${which.length > 0 ? ` (${which.join(', ')})` : ''}`;
}

function row(name: string, f: Figures, vs: [string, string], notes: string): string[] {
  const cpu = f.cpuUsPerResponse === undefined ? '' : String(f.cpuUsPerResponse);
  return [name, String(f.rps), String(f.p50Ms), String(f.p99Ms), failures(f), cpu, ...vs, notes];
}

export function formatTable(m: Measured): string {
  const { bcrypt, profile, express, nodeHttp, refresh, login, storm, memory } = m;
  const vsBaselines = (f: Figures): [string, string] => [
    ratio(f.rps, express.rps),
    ratio(f.rps, nodeHttp.rps),
  ];
  const broken = Object.entries(refresh.brokenChains).map(([status, n]) => `${n} by ${status}`);
  const rows = [
    [
      `raw bcrypt compare (cost ${bcrypt.cost}, ${bcrypt.concurrency} at once)`,
      bcrypt.comparesPerSecond.toFixed(1),
      bcrypt.p50Ms.toFixed(1),
      bcrypt.p99Ms.toFixed(1),
      '0 / 0',
      String(bcrypt.cpuUsPerCompare),
      ...NO_RATIO,
      'own process, nothing else running; the ceiling for login',
    ],
    row(
      'GET /api/auth/profile (service)',
      profile,
      vsBaselines(profile),
      'whole stack: middleware, limiter, session check, log line',
    ),
    row(
      'Express 5 baseline (same work)',
      express,
      vsBaselines(express),
      'same JWT checks and JSON; no store lookup, no middleware, no log',
    ),
    row(
      'node:http baseline (same work)',
      nodeHttp,
      vsBaselines(nodeHttp),
      'same JWT checks and JSON; no framework',
    ),
    row(
      'POST /api/auth/refresh (rotating)',
      refresh.figures,
      NO_RATIO,
      `${percent(refresh.figures.rps, refresh.profile.rps)} of profile on the same server (${refresh.profile.rps} req/s there); ${refresh.sessions} chains a round, broken: ${broken.join(', ') || 'none'}`,
    ),
    row(
      'POST /api/auth/login',
      login,
      NO_RATIO,
      `${percent(login.rps, bcrypt.comparesPerSecond)} of raw bcrypt`,
    ),
    row(
      `login storm (offered ${storm.offeredLoginRate}/s)`,
      storm.logins,
      NO_RATIO,
      'twice the raw bcrypt rate, one connection per login a second',
    ),
    row(
      'GET /health during the storm',
      storm.health,
      NO_RATIO,
      `${(storm.health.responses / storm.health.seconds).toFixed(0)}/s on 2 connections`,
    ),
    row(
      `profile, ${memory.figures.seconds.toFixed(0)} s steady (memory)`,
      memory.figures,
      vsBaselines(memory.figures),
      `RSS ${memory.earlyRssMiB} MiB around ${memory.earlyAtSeconds} s, ${memory.endRssMiB} MiB at the end (5 s medians); ` +
        `${memory.rangeMiB.join('-')} MiB in between`,
    ),
  ];
  return [HEADER, HEADER.map(() => '---'), ...rows]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

/** Scenarios during which other processes (or the hypervisor) took a noticeable share of the machine. */
export function disturbances(m: Measured): string[] {
  const runs: Array<[string, Figures]> = [
    ['profile', m.profile],
    ['Express baseline', m.express],
    ['node:http baseline', m.nodeHttp],
    ['refresh', m.refresh.figures],
    ['login', m.login],
    ['login storm', m.storm.logins],
    ['memory', m.memory.figures],
  ];
  return runs
    .filter(([, figures]) => (figures.otherCores ?? 0) > DISTURBED_CORES)
    .map(([name, figures]) => `${name}: ${String(figures.otherCores)} cores taken by others`);
}

export function formatBudget(lines: BudgetLine[]): string {
  return lines
    .map((line) => `${line.pass ? 'PASS' : 'FAIL'}  ${line.check}: ${line.measured}`)
    .join('\n');
}
