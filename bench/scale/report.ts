// What bench:scale shows: the store it ran on (scale, seeding time, file size), the expiry sweep under load (how long,
// what it removed, the event-loop delay during it against the minute before), the rates on the seeded store against
// the empty one (bench:compare's table, the empty store as the first side), RSS, and the budget lines (issue 23).
import type { LoopDelay } from '../loop-delay.js';
import type { Figures } from '../measure.js';
import type { Machine } from '../results.js';
import { describePinning } from '../cpu-affinity.js';
import { disturbance, formatRoutes } from '../compare-report.js';
import type { RouteComparison } from '../scenarios/before-after.js';
import { MIX, type SweepRun } from '../scenarios/sweep-under-load.js';
import type { BenchSettings } from '../settings.js';
import type { ScaleArguments } from './arguments.js';
import type { sqliteContents, sqliteFileMiB } from './seeded-store.js';

/** Each rate on the seeded store keeps this share of the empty store's (issue 23). */
export const RATE_FLOOR = 0.9;
/** No event-loop stall this long during the sweep (DESIGN §7, issue 23). */
export const STALL_BOUND_MS = 50;

interface StoreState {
  file: ReturnType<typeof sqliteFileMiB>;
  contents: ReturnType<typeof sqliteContents>;
}

export interface ScaleRun {
  machine: Machine;
  loadAverageAtEnd: number[];
  commit: string;
  settings: BenchSettings;
  args: ScaleArguments;
  seedSeconds: number | undefined;
  store: { before: StoreState | undefined; after: StoreState | undefined };
  sweep: SweepRun;
  routes: RouteComparison[];
  differences: string[];
  rss: Record<'empty' | 'seeded', { now: number; peak: number }>;
}

export interface BudgetLine {
  check: string;
  measured: string;
  pass: boolean;
}

export function scaleBudget(run: ScaleRun): BudgetLine[] {
  const rates = run.routes.map((route) => ({
    check: `${route.route}: seeded store at least ${String(RATE_FLOOR * 100)}% of the empty store's req/s`,
    measured: `${route.medianRatios.rps.toFixed(2)} (median of the rounds; server CPU per request ×${route.medianRatios.cpu.toFixed(2)})`,
    pass: route.medianRatios.rps >= RATE_FLOOR,
  }));
  const { during } = run.sweep.loop;
  return [
    ...rates,
    {
      check: `no event-loop stall of ${String(STALL_BOUND_MS)} ms or more during the expiry sweep`,
      measured: `max ${String(during.maxMs)} ms, p99 ${String(during.p99Ms)} ms over ${String(during.seconds)} s`,
      pass: during.maxMs < STALL_BOUND_MS,
    },
  ];
}

const n = (value: number) => value.toLocaleString('en-US');
const loopRow = (name: string, loop: LoopDelay | undefined) =>
  loop === undefined
    ? `| ${name} | | | | |\n`
    : `| ${name} | ${String(loop.p50Ms)} | ${String(loop.p99Ms)} | ${String(loop.maxMs)} | ${String(loop.seconds)} |\n`;
const loadRow = (name: string, f: Figures | undefined) =>
  f === undefined
    ? ''
    : `| ${name} | ${String(f.rps)} | ${f.p50Ms.toFixed(2)} | ${f.p99Ms.toFixed(2)} | ${f.maxMs.toFixed(1)} | ${JSON.stringify(f.otherStatuses)} |\n`;

function describeStore(run: ScaleRun): string {
  const { before, after } = run.store;
  const seeded =
    run.seedSeconds === undefined
      ? `a copy of ${run.args.from ?? ''}`
      : `seeded in ${run.seedSeconds.toFixed(0)} s`;
  if (before === undefined || after === undefined) {
    return `- Store: ${run.args.store}, ${n(run.args.users)} accounts and ${n(run.args.tokens)} refresh tokens, ${seeded}.\n`;
  }
  const c = before.contents;
  return (
    `- Store: SQLite, ${seeded}: ${n(c.users)} accounts, ${n(c.sessions)} sessions (${n(c.expiredSessions)} expired), ` +
    `${n(c.refreshTokens)} refresh tokens (${n(c.expiredRefreshTokens)} expired, ${((c.expiredRefreshTokens / c.refreshTokens) * 100).toFixed(1)}%). ` +
    `File ${n(before.file.file)} MiB at the start; ${n(after.file.file)} MiB (WAL ${n(after.file.wal)} MiB) at the end, holding ` +
    `${n(after.contents.sessions)} sessions and ${n(after.contents.refreshTokens)} refresh tokens.\n`
  );
}

export function formatScaleReport(run: ScaleRun, budget: BudgetLine[], output: string): string {
  const { machine, sweep } = run;
  const { table, byRound } = formatRoutes(run.routes, run.settings.rounds, {
    before: 'empty store',
    after: 'seeded store',
    ratio: 'seeded ÷ empty',
    column: 'store',
  });
  const removed = Object.entries(sweep.sweep.removed)
    .map(([what, count]) => `${n(count)} ${what}`)
    .join(', ');
  return (
    `\n${machine.date} · commit ${run.commit} · ${String(machine.cpus)} × ${machine.cpuModel} · node ${machine.node} · ` +
    `load average ${machine.loadAverageAtStart.join(' ')} at the start, ${run.loadAverageAtEnd.join(' ')} at the end\n\n` +
    describeStore(run) +
    `- Expiry sweep (the service's own, a minute after start, under load): ${(sweep.sweep.durationMs / 1000).toFixed(1)} s` +
    `${sweep.sweep.estimated ? ' (this build does not log how long: its start is taken as a minute after listening)' : ''}, removed ${removed}.\n\n` +
    '| event-loop delay in the seeded server | p50 ms | p99 ms | max ms | seconds |\n| --- | --- | --- | --- | --- |\n' +
    loopRow('during the sweep', sweep.loop.during) +
    loopRow('the load before the sweep', sweep.loop.before) +
    `\nOffered on the seeded server throughout (fixed rates, well under its capacity): ${Object.entries(
      MIX,
    )
      .map(
        ([kind, { connections, perSecond }]) =>
          `${kind} ${String(perSecond)}/s on ${String(connections)} connections`,
      )
      .join(', ')}.\n` +
    '\n| load on the seeded server | req/s | p50 ms | p99 ms | max ms | non-200 |\n| --- | --- | --- | --- | --- | --- |\n' +
    loadRow('refresh, during the sweep', sweep.during.refresh) +
    loadRow('refresh, before it', sweep.before?.refresh) +
    loadRow('login, during the sweep', sweep.during.login) +
    loadRow('login, before it', sweep.before?.login) +
    loadRow('profile, during the sweep', sweep.during.profile) +
    loadRow('profile, before it', sweep.before?.profile) +
    `\nAfter the sweep, the seeded store against an empty one, in alternating rounds:\n\n${table}\n` +
    byRound +
    run.differences.map((difference) => `- **${difference}**\n`).join('') +
    disturbance(run) +
    `- RSS: seeded server ${String(run.rss.seeded.now)} MiB (peak ${String(run.rss.seeded.peak)}), empty-store server ` +
    `${String(run.rss.empty.now)} MiB (peak ${String(run.rss.empty.peak)}), at the end.\n` +
    `- Event-loop delay from perf_hooks.monitorEventLoopDelay in the server (1 ms resolution: idle reads about 1 ms). ${describePinning()}\n\n` +
    budget
      .map((line) => `${line.pass ? 'PASS' : 'FAIL'}  ${line.check}: ${line.measured}\n`)
      .join('') +
    (run.args.store === 'sqlite' ? '' : '(no budget applies to the MongoDB adapter)\n') +
    `Per round: ${output}\n`
  );
}
