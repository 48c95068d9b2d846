// How long and how hard each scenario runs: defaults sized so the whole run takes about three minutes on the
// 2-core machines, each overridable from the environment for a quick try (BENCH_SECONDS=3 BENCH_MEMORY_SECONDS=12).
export interface BenchSettings {
  /** Length of each measured load (profile, baselines, refresh, login, storm) and of the raw bcrypt run. */
  seconds: number;
  /**
   * Unmeasured load before profile, the baselines and refresh, so the JIT has settled: the service's profile rate
   * still climbs for about 5 s after start (per-second rates, bench/README.md).
   */
  warmupSeconds: number;
  /**
   * Profile and its baselines, and refresh and profile, are measured in this many interleaved rounds, `seconds` long in
   * all: the budget takes the median round, and on this shared VM single rounds stray by 10 points or more.
   */
  rounds: number;
  /** Length of the steady profile load whose RSS is sampled (the budget compares 10 s with 60 s). */
  memorySeconds: number;
  /** Connections for profile, the baselines and refresh (one rotating session each for refresh). */
  connections: number;
  /** Connections for the login scenario: twice libuv's 4 threads, so bcrypt always has work queued. */
  loginConnections: number;
  /** Requests per second of GET /health during the login storm. */
  healthRate: number;
}

function positiveNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, got ${JSON.stringify(text)}`);
  }
  return value;
}

export function readSettings(env: NodeJS.ProcessEnv): BenchSettings {
  return {
    seconds: positiveNumber(env, 'BENCH_SECONDS', 15),
    warmupSeconds: positiveNumber(env, 'BENCH_WARMUP_SECONDS', 6),
    rounds: Math.round(positiveNumber(env, 'BENCH_ROUNDS', 5)),
    memorySeconds: positiveNumber(env, 'BENCH_MEMORY_SECONDS', 60),
    connections: Math.round(positiveNumber(env, 'BENCH_CONNECTIONS', 10)),
    loginConnections: Math.round(positiveNumber(env, 'BENCH_LOGIN_CONNECTIONS', 8)),
    healthRate: positiveNumber(env, 'BENCH_HEALTH_RATE', 50),
  };
}
