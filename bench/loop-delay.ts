// The loop-delay probe's lines (loop-delay-probe.ts), read over a window of a run and merged. The maximum is exact;
// a percentile is read from each second's histogram points, rounded up to the next point, so it is never
// under-stated.
import { readFileSync } from 'node:fs';
import type { LoopDelayLine } from './loop-delay-probe.js';
import { roundTo } from './measure.js';

export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Samples taken (about one a millisecond) and seconds of probe lines in the window. */
  samples: number;
  seconds: number;
}

/** The lines whose second overlaps [fromMs, toMs]. */
export function readLoopDelayLines(file: string, fromMs: number, toMs: number): LoopDelayLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LoopDelayLine)
    .filter((line) => line.count > 0 && line.at > fromMs && line.at - 1000 < toMs);
}

/** The smallest reading at or under which `fraction` of all the lines' samples fall. */
function percentileNs(lines: LoopDelayLine[], fraction: number): number {
  const total = lines.reduce((sum, line) => sum + line.count, 0);
  const candidates = [...new Set(lines.flatMap((line) => line.percentiles.map(([, ns]) => ns)))];
  candidates.sort((a, b) => a - b);
  for (const candidate of candidates) {
    let atOrUnder = 0;
    for (const line of lines) {
      // The highest percentile point of this second whose reading is at or under the candidate.
      let share = 0;
      for (const [percentile, ns] of line.percentiles)
        if (ns <= candidate) share = percentile / 100;
      atOrUnder += share * line.count;
    }
    if (atOrUnder >= fraction * total) return candidate;
  }
  return candidates.at(-1) ?? Number.NaN;
}

export function mergeLoopDelay(lines: LoopDelayLine[]): LoopDelay {
  const ms = (ns: number) => roundTo(ns / 1e6, 1);
  return {
    p50Ms: ms(percentileNs(lines, 0.5)),
    p99Ms: ms(percentileNs(lines, 0.99)),
    maxMs: ms(Math.max(...lines.map((line) => line.maxNs))),
    samples: lines.reduce((sum, line) => sum + line.count, 0),
    seconds: lines.length,
  };
}
