// The raw bcrypt compare rate, measured in a process of its own (../bcrypt-rate.ts) while nothing else runs.
import { startHelper } from '../child-process.js';

export interface BcryptRate {
  cost: number;
  concurrency: number;
  compares: number;
  seconds: number;
  comparesPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuUsPerCompare: number;
}

export async function measureBcryptRate(seconds: number): Promise<BcryptRate> {
  const helper = await startHelper(
    'bcrypt-rate.ts',
    'every',
    { BENCH_SECONDS: String(seconds) },
    { timeoutMs: (seconds + 60) * 1000 },
  );
  await helper.stop();
  return helper.announced as unknown as BcryptRate;
}
