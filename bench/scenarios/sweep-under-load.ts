// The service's own expiry sweep over a large backlog while users sign in, refresh and read their profile: is the
// event loop held longer than DESIGN §7's 50 ms? The server's sweeper runs on its own timer (a minute after start);
// load runs in short slices until its "expired records swept" line appears, and the loop-delay probe's lines
// (../loop-delay-probe.ts) are read over the sweep's window, and over the slices before it for comparison.
import { readFileSync } from 'node:fs';
import type { Credentials } from '../accounts.js';
import { mergeLoopDelay, readLoopDelayLines, type LoopDelay } from '../loop-delay.js';
import { mergeRounds, runLoad, type Figures, type Load } from '../measure.js';
import { chainRefreshTokens } from '../refresh-chain.js';
import { logins } from '../accounts.js';
import type { BenchServer } from '../server.js';
import { loginLoad } from './login.js';

/**
 * Each kind's connections and the requests a second they offer while the sweep runs: a steady mix well under what the
 * server can take, so the loop's delay measures what holds it, not requests queued behind one another (at full load a
 * turn carries a dozen requests and the loop reads 20-50 ms with no sweep at all).
 */
export const MIX = {
  refresh: { connections: 4, perSecond: 200 },
  login: { connections: 2, perSecond: 8 },
  profile: { connections: 2, perSecond: 200 },
};
const SLICE_SECONDS = 5;
/** The sweeper's first run comes a minute after start; past this the run gives up waiting. */
const LONGEST_WAIT_MS = 20 * 60_000;

export interface SweepLine {
  removed: Record<string, number>;
  durationMs: number;
  /** When its line was written: the sweep's end. */
  endedAt: number;
  /** The line did not say how long the sweep took: its start is an estimate. */
  estimated: boolean;
}

export interface SweepRun {
  sweep: SweepLine;
  /** Event-loop delay in the server over the sweep, and over the load slices that ended before it began. */
  loop: { during: LoopDelay; before: LoopDelay | undefined };
  /** The load's figures over the slices that fell inside the sweep (any overlap), and those before. */
  during: Record<keyof typeof MIX, Figures>;
  before: Record<keyof typeof MIX, Figures> | undefined;
}

/** The sweeper's first run comes this long after it starts, just before the server listens (src/main.ts). */
const FIRST_SWEEP_AFTER_MS = 60_000;

/**
 * The server's first "expired records swept" line, if written yet. Builds from before the line said how long the
 * sweep took (bench:scale --commit) have their start estimated: a minute after the server listened.
 */
function sweepLine(logFile: string): SweepLine | undefined {
  const lines = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((text) => text.startsWith('{'))
    .map(
      (text) =>
        JSON.parse(text) as {
          time: string;
          msg?: string;
          durationMs?: number;
          removed?: Record<string, number>;
        },
    );
  const failed = lines.find((line) => line.msg === 'expiry sweep failed');
  if (failed !== undefined) throw new Error(`the server's sweep failed: ${JSON.stringify(failed)}`);
  const swept = lines.find((line) => line.msg === 'expired records swept');
  if (swept === undefined) return undefined;
  const endedAt = Date.parse(swept.time);
  const listening = lines.find((line) => line.msg === 'listening');
  const durationMs =
    swept.durationMs ??
    endedAt - (Date.parse(listening?.time ?? swept.time) + FIRST_SWEEP_AFTER_MS);
  return {
    removed: swept.removed ?? {},
    durationMs,
    endedAt,
    estimated: swept.durationMs === undefined,
  };
}

interface Slice {
  from: number;
  to: number;
  figures: Record<keyof typeof MIX, Figures>;
}

async function loadSlice(
  server: BenchServer,
  profile: (seconds: number) => Load,
  pick: () => Credentials,
): Promise<Slice> {
  const sessions = await logins(server.baseUrl, MIX.refresh.connections, pick);
  const { setupClient } = chainRefreshTokens(sessions.map((session) => session.refreshToken));
  const from = Date.now();
  const [refresh, login, profileFigures] = await Promise.all([
    runLoad({
      url: `${server.baseUrl}/api/auth/refresh`,
      method: 'POST',
      connections: MIX.refresh.connections,
      overallRate: MIX.refresh.perSecond,
      seconds: SLICE_SECONDS,
      setupClient,
    }),
    runLoad({
      ...loginLoad(server.baseUrl, MIX.login.connections, SLICE_SECONDS, pick),
      overallRate: MIX.login.perSecond,
    }),
    runLoad({
      ...profile(SLICE_SECONDS),
      connections: MIX.profile.connections,
      overallRate: MIX.profile.perSecond,
    }),
  ]);
  return { from, to: Date.now(), figures: { refresh, login, profile: profileFigures } };
}

function merged(slices: Slice[]): Record<keyof typeof MIX, Figures> | undefined {
  if (slices.length === 0) return undefined;
  const of = (kind: keyof typeof MIX) => mergeRounds(slices.map((slice) => slice.figures[kind]));
  return { refresh: of('refresh'), login: of('login'), profile: of('profile') };
}

/** Runs the mix in slices until the server has logged its first sweep, then reads the probe over the sweep. */
export async function measureSweepUnderLoad(
  server: BenchServer,
  profile: (seconds: number) => Load,
  pick: () => Credentials,
  loopDelayFile: string,
  step: (text: string) => void,
): Promise<SweepRun> {
  const slices: Slice[] = [];
  const giveUpAt = Date.now() + LONGEST_WAIT_MS;
  let sweep: SweepLine | undefined;
  while (sweep === undefined) {
    if (Date.now() > giveUpAt) throw new Error('the server logged no sweep within 20 minutes');
    slices.push(await loadSlice(server, profile, pick));
    sweep = sweepLine(server.logFile);
    if (slices.length % 6 === 0 && sweep === undefined) {
      step(`${String(slices.length * SLICE_SECONDS)} s of load, no sweep logged yet`);
    }
  }
  const startedAt = sweep.endedAt - sweep.durationMs;
  // The first slice warms the server up; slices wholly before the sweep are the comparison.
  const before = slices.slice(1).filter((slice) => slice.to < startedAt);
  const during = slices.filter((slice) => slice.to > startedAt && slice.from < sweep.endedAt);
  const firstBefore = before[0]?.from;
  const duringFigures = merged(during);
  if (duringFigures === undefined) throw new Error('no load slice overlapped the sweep');
  return {
    sweep,
    loop: {
      during: mergeLoopDelay(readLoopDelayLines(loopDelayFile, startedAt, sweep.endedAt)),
      before:
        firstBefore === undefined
          ? undefined
          : mergeLoopDelay(readLoopDelayLines(loopDelayFile, firstBefore, startedAt - 1000)),
    },
    during: duringFigures,
    before: merged(before),
  };
}
