// Two sides measured in turn, in rounds whose order alternates (A B, B A, A B, ...), and compared round by round. A
// slow spell of the shared machine, or a drift over the run (a growing table, a warming JIT), then falls on both sides
// alike, and the median of the rounds' ratios is the figure to read. bench:forgot (known against unknown addresses)
// and bench:compare (one commit's build against another's) both measure this way.
import { median, type Figures } from './measure.js';

/** One side over the other in one round: req/s, p50 and p99 latency, server CPU µs per request. */
export interface RoundRatios {
  rps: number;
  p50: number;
  p99: number;
  cpu: number;
}

/** `rounds` rounds of each side, the first side first in even rounds and second in odd ones. */
export async function alternateRounds(
  rounds: number,
  first: () => Promise<Figures>,
  second: () => Promise<Figures>,
): Promise<[Figures[], Figures[]]> {
  const firsts: Figures[] = [];
  const seconds: Figures[] = [];
  for (let round = 0; round < rounds; round += 1) {
    if (round % 2 === 0) {
      firsts.push(await first());
      seconds.push(await second());
    } else {
      seconds.push(await second());
      firsts.push(await first());
    }
  }
  return [firsts, seconds];
}

/** Per round, `top` ÷ `bottom`, and the medians of those ratios. */
export function compareRounds(
  top: Figures[],
  bottom: Figures[],
): { ratios: RoundRatios[]; medianRatios: RoundRatios } {
  const ratios = top.map((t, round) => {
    const b = bottom[round] as Figures;
    return {
      rps: t.rps / b.rps,
      p50: t.p50Ms / b.p50Ms,
      p99: t.p99Ms / b.p99Ms,
      cpu: (t.cpuUsPerResponse ?? Number.NaN) / (b.cpuUsPerResponse ?? Number.NaN),
    };
  });
  const middle = (pick: (ratio: RoundRatios) => number) => median(ratios.map(pick));
  return {
    ratios,
    medianRatios: {
      rps: middle((r) => r.rps),
      p50: middle((r) => r.p50),
      p99: middle((r) => r.p99),
      cpu: middle((r) => r.cpu),
    },
  };
}
