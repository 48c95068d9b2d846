// Starts the real service (src/main.ts) as a child process, in a throwaway working directory, and reads its logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export interface ServerProcess {
  child: ChildProcess;
  cwd: string;
  /** Log lines so far, parsed. */
  lines(): Array<Record<string, unknown>>;
  stderr(): string;
  exited: Promise<number | null>;
  /** Resolves with the first log line matching, or rejects after `timeoutMs`. */
  waitForLine(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

export function spawnServer(env: Record<string, string>): ServerProcess {
  const cwd = mkdtempSync(join(tmpdir(), 'auth-api-process-'));
  // Its own cwd: no developer .env is read, and development secrets land in the temp dir.
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', resolve);
  });
  onTestFinished(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });

  const lines = () =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  async function waitForLine(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs = 15_000,
  ) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines().find(match);
      if (found) return found;
      if (Date.now() > deadline || child.exitCode !== null) {
        throw new Error(`no matching log line; stdout:\n${stdout}\nstderr:\n${stderr}`);
      }
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  return { child, cwd, lines, stderr: () => stderr, exited, waitForLine };
}

/** Spawns the server and waits until it listens; resolves with its base URL. */
export async function startServer(env: Record<string, string>) {
  const server = spawnServer(env);
  const listening = await server.waitForLine((line) => line.msg === 'listening');
  return { ...server, baseUrl: `http://127.0.0.1:${String(listening.port)}` };
}
