// POST /api/auth/refresh with rotation, measured against GET /api/auth/profile on the same server in interleaved
// rounds, as the profile line is measured against its baselines: a slow spell of a shared machine then hits both
// alike, and the budget takes the median of the rounds' ratios. Each refresh round uses one fresh session per
// connection, each request spending the token the previous answer on its connection returned (../refresh-chain.ts);
// a request cut off when a round stops leaves its chain holding a token the service has already rotated.
import { logins, type Credentials } from '../accounts.js';
import { median, mergeRounds, runLoad, warmUp, type Figures } from '../measure.js';
import { chainRefreshTokens } from '../refresh-chain.js';
import type { BenchServer } from '../server.js';
import type { BenchSettings } from '../settings.js';
import { prepareProfile } from './profile.js';

export interface RefreshRun {
  figures: Figures;
  /** Profile on the same server, in the rounds between the refresh rounds. */
  profile: Figures;
  /** Per round: refresh req/s over profile req/s. */
  ratios: number[];
  /** The median of `ratios`: what the budget checks. */
  medianRatio: number;
  /** Sessions per round (one per connection). */
  sessions: number;
  /** Chains that met a non-200, by the status that broke them. */
  brokenChains: Record<string, number>;
}

/** One measured run of fresh rotation chains, one session (a login, as `pick` names) per connection. */
export async function refreshRound(
  server: BenchServer,
  connections: number,
  seconds: number,
  pick?: () => Credentials,
) {
  const sessions = await logins(server.baseUrl, connections, pick);
  const { chains, setupClient } = chainRefreshTokens(sessions.map((s) => s.refreshToken));
  const figures = await runLoad({
    url: `${server.baseUrl}/api/auth/refresh`,
    method: 'POST',
    connections,
    seconds,
    setupClient,
    pid: server.pid,
  });
  return { figures, chains };
}

export async function measureRefresh(
  server: BenchServer,
  settings: BenchSettings,
): Promise<RefreshRun> {
  const profile = await prepareProfile(server, settings);
  await warmUp(profile.load(settings.warmupSeconds));
  await refreshRound(server, settings.connections, settings.warmupSeconds);
  const roundSeconds = settings.seconds / settings.rounds;
  const refreshRounds: Figures[] = [];
  const profileRounds: Figures[] = [];
  const brokenChains: Record<string, number> = {};
  for (let round = 0; round < settings.rounds; round += 1) {
    profileRounds.push(await runLoad(profile.load(roundSeconds)));
    const { figures, chains } = await refreshRound(server, settings.connections, roundSeconds);
    refreshRounds.push(figures);
    for (const { brokenBy } of chains) {
      if (brokenBy !== undefined) brokenChains[brokenBy] = (brokenChains[brokenBy] ?? 0) + 1;
    }
  }
  const ratios = refreshRounds.map(
    (refresh, round) => refresh.rps / (profileRounds[round]?.rps ?? Number.NaN),
  );
  return {
    figures: mergeRounds(refreshRounds),
    profile: mergeRounds(profileRounds),
    ratios,
    medianRatio: median(ratios),
    sessions: settings.connections,
    brokenChains,
  };
}
