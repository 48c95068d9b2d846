// Where each process of a run may execute. On two or more cores the benchmark itself (autocannon, the load) keeps to
// core 0 and a server under a throughput test to core 1, so neither takes the other's CPU and the service and its
// baselines are measured alike; servers that lean on libuv's threads (bcrypt: login, the storm, the raw rate) get
// every core, as in production. taskset (util-linux) does the pinning; without it nothing is pinned, and
// results.json says so.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';

/** 'server': the core kept for a server under a throughput test. 'every': all cores. */
export type Placement = 'server' | 'every';

const LOAD_CORE = '0';
const SERVER_CORE = '1';

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Every core of the machine, not just those this process may use: the pinned copy itself runs on one.
const cores = cpus().length;
const pinning = {
  enabled: cores >= 2 && hasTaskset(),
  cores,
};

export function describePinning(): string {
  if (pinning.enabled) {
    return `Load on core ${LOAD_CORE}; servers under throughput tests on core ${SERVER_CORE}; bcrypt-bound servers and the raw bcrypt run on all ${cores} cores (taskset).`;
  }
  return `Nothing pinned (${cores < 2 ? 'a single core' : 'no taskset'}): load and server share the cores, so figures vary more.`;
}

/** The command and arguments that start `command` on the cores `placement` names. */
export function placed(
  placement: Placement,
  command: string,
  args: string[],
): { command: string; args: string[] } {
  if (!pinning.enabled) return { command, args };
  const list = placement === 'server' ? SERVER_CORE : `0-${cores - 1}`;
  // taskset execs the command, so the child's pid is the command's own.
  return { command: 'taskset', args: ['-c', list, command, ...args] };
}

/**
 * Moves the benchmark itself onto the load core by running it again under taskset (a process cannot be pinned from
 * JavaScript). Returns false in the pinned copy, or when nothing is pinned, so the caller goes on; otherwise it never
 * returns: the process exits with the pinned copy's status.
 */
export function runPinnedCopy(): false {
  if (!pinning.enabled || process.env.BENCH_PINNED === '1') return false;
  const result = spawnSync(
    'taskset',
    ['-c', LOAD_CORE, process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: 'inherit', env: { ...process.env, BENCH_PINNED: '1' } },
  );
  process.exit(result.status ?? 1);
}
