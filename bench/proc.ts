// What Linux's /proc says about a process the benchmark started: its resident memory and the CPU time it has used
// (all threads: the event loop, libuv's pool, GC). CPU per request is steadier than req/s on 2 shared cores.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Clock ticks per second, the unit of utime and stime in /proc/<pid>/stat. */
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());

export function readRssMiB(pid: number): number {
  return readStatusMiB(pid, 'VmRSS');
}

/** The most resident memory the process has had so far (its high-water mark). */
export function readPeakRssMiB(pid: number): number {
  return readStatusMiB(pid, 'VmHWM');
}

function readStatusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kiB = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status)?.[1];
  if (kiB === undefined) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number((Number(kiB) / 1024).toFixed(1));
}

/** User plus system CPU seconds used so far. */
export function readCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / TICKS_PER_SECOND;
}

/** CPU seconds the whole machine has spent busy (all processes, all cores), and lost to the hypervisor (steal). */
export function readMachineCpuSeconds(): { busy: number; steal: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0);
  return { busy: busy / TICKS_PER_SECOND, steal: (steal ?? 0) / TICKS_PER_SECOND };
}
