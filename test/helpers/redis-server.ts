// Finds a Redis for the tests that need one: REDIS_URL, or Debian's redis-server started on a free loopback port
// (no persistence). Without either, describeWithService says why and skips; REQUIRE_REDIS=1 (set by .ci/run) makes
// that a failure instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { untilOutput } from './child-output.js';
import { freePort } from './free-port.js';
import { serviceFound, serviceMissing, type ServiceSearch } from './required-service.js';

const REDIS = { name: 'a Redis', requiredBy: 'REQUIRE_REDIS' } as const;

export interface RedisTarget {
  url: string;
  /** Stops the server (when this helper started it). */
  stop(): Promise<void>;
  /** Starts it again on the same port, for outage tests; undefined when the server is not ours. */
  restart?: () => Promise<void>;
}

/** Starts redis-server and waits for its own "Ready to accept connections". */
async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await untilOutput(
    child,
    child.stdout,
    (output) => output.includes('Ready to accept connections'),
    `redis-server on port ${String(port)}`,
  );
  return child;
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function findRedis(): Promise<ServiceSearch<RedisTarget>> {
  const url = process.env.REDIS_URL;
  if (url !== undefined && url !== '') {
    return serviceFound(REDIS, { url, stop: () => Promise.resolve() });
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    return serviceMissing(
      REDIS,
      'REDIS_URL is not set and redis-server is not installed (apt-get install redis-server)',
    );
  }
  const port = await freePort();
  let child = await startRedisServer(port);
  return serviceFound(REDIS, {
    url: `redis://127.0.0.1:${String(port)}`,
    stop: () => stopProcess(child),
    restart: async () => {
      await stopProcess(child);
      child = await startRedisServer(port);
    },
  });
}
