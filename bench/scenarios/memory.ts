// Steady profile load on a fresh service while its resident memory (VmRSS from /proc/<pid>/status) is sampled: the
// budget compares the sample at 10 s with the one at the end (60 s by default).
import { login, register } from '../accounts.js';
import { roundTo, runLoad, type Figures } from '../measure.js';
import { readRssMiB } from '../proc.js';
import type { BenchServer } from '../server.js';
import type { BenchSettings } from '../settings.js';
import { profileLoad } from './profile.js';

export interface MemoryRun {
  figures: Figures;
  /** When the early sample was taken: 10 s, or half the run when it is shorter than 20 s. */
  earlyAtSeconds: number;
  earlyRssMiB: number;
  endRssMiB: number;
  /** (end - early) / early. */
  growth: number;
  /** Lowest and highest RSS from the early sample on. */
  rangeMiB: [number, number];
  samples: Array<{ atSeconds: number; rssMiB: number }>;
}

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
  const early = samples.find((s) => s.atSeconds === earlyAtSeconds);
  const end = samples.at(-1);
  if (early === undefined || end === undefined) throw new Error('no RSS sample');
  const later = samples.filter((s) => s.atSeconds >= earlyAtSeconds).map((s) => s.rssMiB);
  return {
    figures,
    earlyAtSeconds,
    earlyRssMiB: early.rssMiB,
    endRssMiB: end.rssMiB,
    growth: roundTo((end.rssMiB - early.rssMiB) / early.rssMiB, 4),
    rangeMiB: [Math.min(...later), Math.max(...later)],
    samples,
  };
}
