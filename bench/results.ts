// The shape of one benchmark run, as bench/results.json holds it.
import { cpus, loadavg, release, totalmem } from 'node:os';
import type { Figures } from './measure.js';
import type { BcryptRate } from './scenarios/bcrypt.js';
import type { StormRun } from './scenarios/login-storm.js';
import type { MemoryRun } from './scenarios/memory.js';
import type { RefreshRun } from './scenarios/refresh.js';
import type { ThroughputRun } from './scenarios/throughput.js';
import type { BenchSettings } from './settings.js';

export interface Measured {
  bcrypt: BcryptRate;
  profile: Figures;
  express: Figures;
  nodeHttp: Figures;
  /** Profile's req/s over each baseline's, per interleaved round and their medians (what the budget checks). */
  profileRatios: Pick<ThroughputRun, 'ratios' | 'medianRatios'>;
  refresh: RefreshRun;
  login: Figures;
  storm: StormRun;
  memory: MemoryRun;
}

export interface BudgetLine {
  check: string;
  measured: string;
  pass: boolean;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  os: string;
  loadAverageAtStart: number[];
  date: string;
}

export interface Results {
  machine: Machine;
  settings: BenchSettings;
  notes: string[];
  measured: Partial<Measured>;
  budget?: BudgetLine[];
  pass?: boolean;
  error?: string;
}

export function describeMachine(): Machine {
  const processors = cpus();
  return {
    cpus: processors.length,
    cpuModel: processors[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()} ${process.arch}`,
    loadAverageAtStart: loadavg().map((load) => Number(load.toFixed(2))),
    date: new Date().toISOString(),
  };
}
