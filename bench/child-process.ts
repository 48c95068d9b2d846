// The small protocol between the benchmark and its helper processes (baselines, the raw bcrypt run): the helper is
// a TypeScript file run with tsx, and it announces itself with one JSON line on stdout (its port, or its result).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { placed, type Placement } from './cpu-affinity.js';

const TSX = import.meta.resolve('tsx');

export interface Helper {
  child: ChildProcess;
  /** The first JSON line the helper wrote. */
  announced: Record<string, unknown>;
  stop(): Promise<void>;
}

/** Called by a helper: its one line for the benchmark to read. */
export function announce(value: object): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Runs `bench/<script>` (relative to this folder) and resolves once it has announced itself. */
export function startHelper(
  script: string,
  placement: Placement,
  env: Record<string, string>,
  { timeoutMs = 30_000, nodeArgs = [] }: { timeoutMs?: number; nodeArgs?: string[] } = {},
): Promise<Helper> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const { command, args } = placed(placement, process.execPath, [
    ...nodeArgs,
    '--import',
    TSX,
    path,
  ]);
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop();
      reject(new Error(`${script} ${why}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    };
    const timer = setTimeout(() => {
      fail(`announced nothing within ${timeoutMs} ms`);
    }, timeoutMs);
    const onExit = (code: number | null) => {
      fail(`exited (${String(code)}) before announcing`);
    };
    child.once('exit', onExit);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // Complete lines only: the last piece may be half a line.
      const line = stdout
        .split('\n')
        .slice(0, -1)
        .find((text) => text.startsWith('{'));
      if (line === undefined) return;
      clearTimeout(timer);
      child.off('exit', onExit);
      resolve({ child, announced: JSON.parse(line) as Record<string, unknown>, stop });
    });
  });
}
