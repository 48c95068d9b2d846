// bench:compare's measurement: two builds of the service (two commits) side by side, both idle but for the one under
// load, each route measured on both in interleaved rounds whose order alternates (../alternating-rounds.ts), so a
// slow spell of the shared machine falls on both alike. Refresh spends real rotation chains, fresh each round
// (../refresh-chain.ts): any non-200 is a failure, not reuse detection. Profile and login follow, as the other
// scenarios load them.
import { isDeepStrictEqual } from 'node:util';
import { alternateRounds, compareRounds, type RoundRatios } from '../alternating-rounds.js';
import type { Credentials } from '../accounts.js';
import { mergeRounds, runLoad, type Figures } from '../measure.js';
import type { BenchServer } from '../server.js';
import type { BenchSettings } from '../settings.js';
import { loginLoad } from './login.js';
import { prepareProfile, type ProfileTarget } from './profile.js';
import { refreshRound } from './refresh.js';

/** One route, measured on both builds. */
export interface RouteComparison {
  route: string;
  before: Figures;
  after: Figures;
  /** Per round, after ÷ before: req/s, p50, p99, server CPU µs per request. */
  ratios: RoundRatios[];
  /** Medians of `ratios`: the figures to read. */
  medianRatios: RoundRatios;
  /** Each round's length per build: BENCH_SECONDS ÷ BENCH_ROUNDS, or the route's minimum. */
  roundSeconds: number;
  rounds: { before: Figures[]; after: Figures[] };
}

interface Target {
  server: BenchServer;
  profile: ProfileTarget;
  /** Who logs in for refresh's sessions and the login load: the bench's account unless given. */
  pick?: () => Credentials;
}

/** Per side, the accounts its logins use (bench:scale: the seeded store's). */
export type SidesAccounts = Partial<Record<'before' | 'after', () => Credentials>>;

interface Route {
  name: string;
  /** The shortest round (and warm-up) that holds enough answers to count. */
  minimumSeconds?: number;
  measure(target: Target, seconds: number): Promise<Figures>;
}

/** Login answers some 16 times a second on one core, the first only after half a second: shorter rounds hold few. */
const LOGIN_MINIMUM_SECONDS = 3;

function routes(settings: BenchSettings): Route[] {
  return [
    {
      name: `POST /api/auth/refresh (rotating, ${String(settings.connections)} chains a round)`,
      measure: async ({ server, pick }, seconds) =>
        (await refreshRound(server, settings.connections, seconds, pick)).figures,
    },
    {
      name: 'GET /api/auth/profile',
      measure: ({ profile }, seconds) => runLoad(profile.load(seconds)),
    },
    {
      name: `POST /api/auth/login (${String(settings.loginConnections)} connections, bcrypt on one core)`,
      minimumSeconds: LOGIN_MINIMUM_SECONDS,
      measure: ({ server, pick }, seconds) =>
        runLoad({
          ...loginLoad(server.baseUrl, settings.loginConnections, seconds, pick),
          pid: server.pid,
        }),
    },
  ];
}

/** The answer's keys and value types, not its values (ids and dates differ between two services). */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  const entries = Object.entries(value).sort(([a], [b]) => a.localeCompare(b));
  return Object.fromEntries(entries.map(([key, field]) => [key, shapeOf(field)]));
}

export interface BuildsCompared {
  routes: RouteComparison[];
  /** Where the two builds' answers differ in shape (a field added or dropped): their figures then measure different work. */
  differences: string[];
}

export async function compareBuilds(
  before: BenchServer,
  after: BenchServer,
  settings: BenchSettings,
  step: (text: string) => void,
  accounts: SidesAccounts = {},
): Promise<BuildsCompared> {
  const targets: Record<'before' | 'after', Target> = {
    before: {
      server: before,
      profile: await prepareProfile(before, settings),
      pick: accounts.before,
    },
    after: { server: after, profile: await prepareProfile(after, settings), pick: accounts.after },
  };
  const shapes = [targets.before.profile.answer, targets.after.profile.answer].map(shapeOf);
  const differences = isDeepStrictEqual(shapes[0], shapes[1])
    ? []
    : [
        `GET /api/auth/profile answers in different shapes: before ${JSON.stringify(shapes[0])}, after ${JSON.stringify(shapes[1])}`,
      ];
  const compared: RouteComparison[] = [];
  for (const route of routes(settings)) {
    const minimum = route.minimumSeconds ?? 0;
    const roundSeconds = Math.max(minimum, settings.seconds / settings.rounds);
    step(`${route.name}: warm-up, then ${String(settings.rounds)} rounds`);
    for (const target of [targets.before, targets.after]) {
      // Unmeasured: the JIT settles on this route's path before the figures are taken.
      await route.measure(target, Math.max(minimum, settings.warmupSeconds));
    }
    const [beforeRounds, afterRounds] = await alternateRounds(
      settings.rounds,
      () => route.measure(targets.before, roundSeconds),
      () => route.measure(targets.after, roundSeconds),
    );
    compared.push({
      route: route.name,
      before: mergeRounds(beforeRounds),
      after: mergeRounds(afterRounds),
      ...compareRounds(afterRounds, beforeRounds),
      roundSeconds,
      rounds: { before: beforeRounds, after: afterRounds },
    });
  }
  return { routes: compared, differences };
}
