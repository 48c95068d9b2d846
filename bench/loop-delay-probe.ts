// Loaded into a server under test (node --import): its event-loop delay, one JSON line a second appended to
// BENCH_LOOP_DELAY_FILE, so a benchmark can read the loop's stalls over any window of the run (bench:scale reads the
// window of the expiry sweep). perf_hooks samples the loop natively every millisecond; no JavaScript runs a sample.
// A reading is the time between two samples: an idle loop reads about 1 ms, a hold of h ms reads about h + 1.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** One second of samples: its end, how many, and the histogram's percentile points (percentile, nanoseconds). */
export interface LoopDelayLine {
  at: number;
  count: number;
  maxNs: number;
  percentiles: Array<[number, number]>;
}

const file = process.env.BENCH_LOOP_DELAY_FILE;
if (file !== undefined && file !== '') {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  setInterval(() => {
    const line: LoopDelayLine = {
      at: Date.now(),
      count: histogram.count,
      maxNs: histogram.max,
      percentiles: [...histogram.percentiles],
    };
    histogram.reset();
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 1000).unref();
}
