// Run as a child process: the raw bcrypt compare rate at the service's cost (10), with as many compares in flight as
// libuv has threads (4 by default), so it is the ceiling for login throughput on this machine.
import { performance } from 'node:perf_hooks';
import bcrypt from 'bcrypt';
import { announce } from './child-process.js';

const COST = 10;
const CONCURRENCY = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const password = 'Steady-load-4821!xq';

const hash = await bcrypt.hash(password, COST);
await bcrypt.compare(password, hash);

const durations: number[] = [];
const cpuBefore = process.cpuUsage();
const startedAt = performance.now();
const deadline = startedAt + seconds * 1000;
async function compareUntilDeadline(): Promise<void> {
  while (performance.now() < deadline) {
    const before = performance.now();
    if (!(await bcrypt.compare(password, hash))) throw new Error('bcrypt compare failed');
    durations.push(performance.now() - before);
  }
}
await Promise.all(Array.from({ length: CONCURRENCY }, compareUntilDeadline));
const elapsedSeconds = (performance.now() - startedAt) / 1000;
const cpu = process.cpuUsage(cpuBefore);

durations.sort((a, b) => a - b);
const at = (fraction: number) => durations[Math.ceil(fraction * durations.length) - 1] ?? NaN;
announce({
  cost: COST,
  concurrency: CONCURRENCY,
  compares: durations.length,
  seconds: elapsedSeconds,
  comparesPerSecond: durations.length / elapsedSeconds,
  p50Ms: at(0.5),
  p99Ms: at(0.99),
  cpuUsPerCompare: Math.round((cpu.user + cpu.system) / durations.length),
});
