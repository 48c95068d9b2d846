// GET /api/auth/profile on the service against its two baselines, in interleaved rounds: the three servers run side
// by side (idle when not under load), and each round loads service, Express and node:http in turn. A slow spell of a
// shared machine then hits all three alike, and the budget takes the median of the rounds' ratios.
import { median, mergeRounds, runLoad, warmUp, type Figures } from '../measure.js';
import { withServer, type Secrets } from '../server.js';
import type { BenchSettings } from '../settings.js';
import { BASELINES, startBaseline, type RunningBaseline } from './baselines.js';
import { prepareProfile, type ProfileTarget } from './profile.js';

export interface ThroughputRun {
  profile: Figures;
  express: Figures;
  nodeHttp: Figures;
  /** Per round: profile req/s over each baseline's. */
  ratios: Array<{ express: number; nodeHttp: number }>;
  /** Medians of `ratios`: what the budget checks. */
  medianRatios: { express: number; nodeHttp: number };
}

export function measureThroughput(
  secrets: Secrets,
  settings: BenchSettings,
): Promise<ThroughputRun> {
  return withServer(secrets, 'server', async (server) => {
    const service = await prepareProfile(server, settings);
    const run = { secrets, signedIn: service.signedIn, answer: service.answer };
    const baselines: RunningBaseline[] = [];
    try {
      baselines.push(await startBaseline(BASELINES.express, run, settings));
      baselines.push(await startBaseline(BASELINES.nodeHttp, run, settings));
      return await interleave(service, baselines, settings);
    } finally {
      await Promise.all(baselines.map((baseline) => baseline.stop()));
    }
  });
}

async function interleave(
  service: ProfileTarget,
  baselines: RunningBaseline[],
  settings: BenchSettings,
): Promise<ThroughputRun> {
  const targets = [service, ...baselines];
  for (const target of targets) await warmUp(target.load(settings.warmupSeconds));
  const roundSeconds = settings.seconds / settings.rounds;
  const rounds: Figures[][] = [];
  for (let round = 0; round < settings.rounds; round += 1) {
    const figures: Figures[] = [];
    for (const target of targets) figures.push(await runLoad(target.load(roundSeconds)));
    rounds.push(figures);
  }
  const ratios = rounds.map(([profile, express, nodeHttp]) => ({
    express: (profile?.rps ?? Number.NaN) / (express?.rps ?? Number.NaN),
    nodeHttp: (profile?.rps ?? Number.NaN) / (nodeHttp?.rps ?? Number.NaN),
  }));
  const of = (index: number) => mergeRounds(rounds.map((figures) => figures[index] as Figures));
  return {
    profile: of(0),
    express: of(1),
    nodeHttp: of(2),
    ratios,
    medianRatios: {
      express: median(ratios.map((ratio) => ratio.express)),
      nodeHttp: median(ratios.map((ratio) => ratio.nodeHttp)),
    },
  };
}
