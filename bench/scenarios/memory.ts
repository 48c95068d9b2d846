// Steady profile load on a fresh service while its resident memory (VmRSS from /proc/<pid>/status) is sampled every
// second: the budget compares the median of the five samples up to 10 s with the median of the last five (the run
// ends at 60 s by default). RSS swings with the garbage collector by tens of MiB within seconds (a single sample at
// 10 s once read 233 MiB on a run that stayed between 175 and 233), so one sample against another measured the
// swing; a leak moves the median of a window too.
import { login, register } from '../accounts.js';
import { median, roundTo, runLoad, type Figures } from '../measure.js';
import { readRssMiB } from '../proc.js';
import type { BenchServer } from '../server.js';
import type { BenchSettings } from '../settings.js';
import { profileLoad } from './profile.js';

export interface MemoryRun {
  figures: Figures;
  /** Where the early window ends: 10 s, or half the run when it is shorter than 20 s. */
  earlyAtSeconds: number;
  /** Median of the samples in the window of WINDOW_SAMPLES seconds ending at earlyAtSeconds. */
  earlyRssMiB: number;
  /** Median of the last WINDOW_SAMPLES samples. */
  endRssMiB: number;
  /** (end - early) / early. */
  growth: number;
  /** Lowest and highest RSS from the early sample on. */
  rangeMiB: [number, number];
  samples: Array<{ atSeconds: number; rssMiB: number }>;
}

const WINDOW_SAMPLES = 5;

export async function measureMemory(
  server: BenchServer,
  settings: BenchSettings,
): Promise<MemoryRun> {
  await register(server.baseUrl);
  const { accessToken } = await login(server.baseUrl);
  const seconds = settings.memorySeconds;
  const earlyAtSeconds = Math.min(10, seconds / 2);
  const samples: MemoryRun['samples'] = [];
  const sampleAt = (atSeconds: number) =>
    samples.push({ atSeconds, rssMiB: readRssMiB(server.pid) });
  // Every second for the trace (a GC sawtooth shows as swings, a leak as a climb), and the early sample.
  const times = new Set([earlyAtSeconds]);
  for (let at = 1; at < seconds; at += 1) times.add(at);
  const timers = [...times].map((at) => setTimeout(() => sampleAt(at), at * 1000));
  const figures = await runLoad({
    ...profileLoad(server.baseUrl, accessToken, seconds, settings.connections),
    pid: server.pid,
  });
  timers.forEach(clearTimeout);
  sampleAt(roundTo(figures.seconds, 1));
  samples.sort((a, b) => a.atSeconds - b.atSeconds);
  const earlyWindow = samples
    .filter((s) => s.atSeconds <= earlyAtSeconds)
    .slice(-WINDOW_SAMPLES)
    .map((s) => s.rssMiB);
  const endWindow = samples.slice(-WINDOW_SAMPLES).map((s) => s.rssMiB);
  if (earlyWindow.length === 0 || endWindow.length === 0) throw new Error('no RSS sample');
  const earlyRssMiB = roundTo(median(earlyWindow), 1);
  const endRssMiB = roundTo(median(endWindow), 1);
  const later = samples.filter((s) => s.atSeconds >= earlyAtSeconds).map((s) => s.rssMiB);
  return {
    figures,
    earlyAtSeconds,
    earlyRssMiB,
    endRssMiB,
    growth: roundTo((endRssMiB - earlyRssMiB) / earlyRssMiB, 4),
    rangeMiB: [Math.min(...later), Math.max(...later)],
    samples,
  };
}
