// Finds a Redis for the tests that need one: REDIS_URL, or Debian's redis-server started on a free loopback port
// (no persistence). Without either, the caller says why and skips; REQUIRE_REDIS=1 (set by .ci/run) makes that a
// failure instead.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from './free-port.js';

export const REQUIRE_REDIS = process.env.REQUIRE_REDIS === '1';

export interface RedisTarget {
  url: string;
  /** Stops the server (when this helper started it). */
  stop(): Promise<void>;
  /** Starts it again on the same port, for outage tests; undefined when the server is not ours. */
  restart?: () => Promise<void>;
}

export type RedisSearch = { found: true; target: RedisTarget } | { found: false; reason: string };

async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => {
      reject(new Error(`redis-server exited with ${String(code)}: ${output}`));
    });
  });
  return child;
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function findRedis(): Promise<RedisSearch> {
  const url = process.env.REDIS_URL;
  if (url !== undefined && url !== '') {
    return { found: true, target: { url, stop: () => Promise.resolve() } };
  }
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    return {
      found: false,
      reason:
        'REDIS_URL is not set and redis-server is not installed (apt-get install redis-server)',
    };
  }
  const port = await freePort();
  let child = await startRedisServer(port);
  return {
    found: true,
    target: {
      url: `redis://127.0.0.1:${String(port)}`,
      stop: () => stopProcess(child),
      restart: async () => {
        await stopProcess(child);
        child = await startRedisServer(port);
      },
    },
  };
}
