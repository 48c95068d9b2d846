// autocannon, wrapped: one load run in, the figures the report needs out. Latencies are taken from every response
// at autocannon's microsecond timing (its own histogram rounds to whole milliseconds, too coarse for a ~2 ms route),
// and only the expected status (200 unless the load names another) counts as a success: req/s is successes per second,
// everything else is reported apart.
import autocannon from 'autocannon';
import { readCpuSeconds, readMachineCpuSeconds } from './proc.js';

export interface Load {
  url: string;
  connections: number;
  seconds: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Requests per second over all connections; unlimited when omitted. */
  overallRate?: number;
  setupClient?: (client: autocannon.Client) => void;
  /** A sequence of requests each connection cycles through, in place of one request (url, method, body). */
  requests?: autocannon.Request[];
  /** Replaces each `[<id>]` in a body with a fresh random id (a unique email per request). */
  idReplacement?: boolean;
  /** The server's pid, to report the CPU time it spent per response. */
  pid?: number;
  /** The status a success answers with (202 for a password-reset request); 200 when omitted. */
  successStatus?: number;
}

export interface Figures {
  /** Successful answers (200, or the load's successStatus) per second. */
  rps: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  responses: number;
  successes: number;
  /** Answers other than the success status, by status. */
  otherStatuses: Record<string, number>;
  /** Connection errors and timeouts. */
  errors: number;
  /** Server CPU time (all threads) per response, in microseconds, when the load named the server's pid. */
  cpuUsPerResponse?: number;
  /**
   * Cores' worth of CPU that neither the server nor this process used during the run (other processes, and time
   * the hypervisor took): when well above 0, the figures are disturbed. Known only when the load named the pid.
   */
  otherCores?: number;
  seconds: number;
}

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export const roundTo = (value: number, digits: number) => Number(value.toFixed(digits));

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[middle] ?? Number.NaN;
  return ((sorted[middle - 1] ?? Number.NaN) + (sorted[middle] ?? Number.NaN)) / 2;
}

export async function runLoad(load: Load): Promise<Figures> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const options: autocannon.Options = {
    url: load.url,
    connections: load.connections,
    duration: load.seconds,
    method: load.method ?? 'GET',
    ...(load.headers ? { headers: load.headers } : {}),
    ...(load.body === undefined ? {} : { body: load.body }),
    ...(load.overallRate === undefined ? {} : { overallRate: load.overallRate }),
    ...(load.setupClient ? { setupClient: load.setupClient } : {}),
    ...(load.requests ? { requests: load.requests } : {}),
    ...(load.idReplacement === true ? { idReplacement: true } : {}),
  };
  const cpuBefore = load.pid === undefined ? 0 : readCpuSeconds(load.pid);
  const machineBefore = readMachineCpuSeconds();
  const ownBefore = process.cpuUsage();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (error: unknown, done: autocannon.Result) => {
      if (error === null || error === undefined) resolve(done);
      else
        reject(error instanceof Error ? error : new Error('autocannon failed', { cause: error }));
    });
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      latencies.push(responseTimeMs);
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
    });
  });
  const cpuSeconds = load.pid === undefined ? undefined : readCpuSeconds(load.pid) - cpuBefore;
  const machine = readMachineCpuSeconds();
  const own = process.cpuUsage(ownBefore);
  const others =
    machine.busy - machineBefore.busy - (own.user + own.system) / 1e6 - (cpuSeconds ?? 0);
  const lost = others + machine.steal - machineBefore.steal;
  const sorted = Float64Array.from(latencies).sort();
  const successStatus = load.successStatus ?? 200;
  const successes = statuses.get(successStatus) ?? 0;
  statuses.delete(successStatus);
  return {
    rps: roundTo(successes / result.duration, 1),
    p50Ms: roundTo(percentile(sorted, 0.5), 2),
    p99Ms: roundTo(percentile(sorted, 0.99), 2),
    maxMs: roundTo(sorted.at(-1) ?? Number.NaN, 2),
    responses: latencies.length,
    successes,
    otherStatuses: Object.fromEntries([...statuses].map(([code, count]) => [String(code), count])),
    errors: result.errors,
    seconds: result.duration,
    ...(cpuSeconds === undefined
      ? {}
      : {
          cpuUsPerResponse: roundTo((cpuSeconds * 1e6) / latencies.length, 0),
          otherCores: roundTo(Math.max(0, lost) / result.duration, 2),
        }),
  };
}

/** Load that is not measured: the JIT settles before the figures are taken. */
export async function warmUp(load: Load): Promise<void> {
  if (load.seconds > 0) await runLoad(load);
}

/**
 * Several runs of one load as one: counts and seconds add up, req/s and CPU per response follow from the totals, and
 * the latency percentiles are the rounds' medians (the rounds' own samples are not kept).
 */
export function mergeRounds(rounds: Figures[]): Figures {
  const sum = (pick: (figures: Figures) => number) =>
    rounds.reduce((total, figures) => total + pick(figures), 0);
  const middle = (pick: (figures: Figures) => number) => median(rounds.map(pick));
  const seconds = sum((figures) => figures.seconds);
  const responses = sum((figures) => figures.responses);
  const successes = sum((figures) => figures.successes);
  const otherStatuses: Record<string, number> = {};
  for (const figures of rounds) {
    for (const [status, count] of Object.entries(figures.otherStatuses)) {
      otherStatuses[status] = (otherStatuses[status] ?? 0) + count;
    }
  }
  const withCpu = rounds.filter((figures) => figures.cpuUsPerResponse !== undefined);
  const cpuMicros = withCpu.reduce(
    (total, figures) => total + (figures.cpuUsPerResponse ?? 0) * figures.responses,
    0,
  );
  const cpuResponses = withCpu.reduce((total, figures) => total + figures.responses, 0);
  return {
    rps: roundTo(successes / seconds, 1),
    p50Ms: middle((figures) => figures.p50Ms),
    p99Ms: middle((figures) => figures.p99Ms),
    maxMs: Math.max(...rounds.map((figures) => figures.maxMs)),
    responses,
    successes,
    otherStatuses,
    errors: sum((figures) => figures.errors),
    seconds: roundTo(seconds, 2),
    ...(withCpu.length === rounds.length && cpuResponses > 0
      ? {
          cpuUsPerResponse: roundTo(cpuMicros / cpuResponses, 0),
          otherCores: roundTo(
            withCpu.reduce((total, f) => total + (f.otherCores ?? 0) * f.seconds, 0) / seconds,
            2,
          ),
        }
      : {}),
  };
}
