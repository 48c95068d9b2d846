// Waiting on a child process's own word that it is ready (a line it prints), not on a guess at how long it takes:
// resolves when its output shows the line, fails at once when it exits first, and gives up only after a bound
// generous enough for a loaded machine, where start-up is slow but not broken.
import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/** How long a process may take to start before a test gives up on it. */
export const START_UP_LIMIT_MS = 60_000;

/** Resolves once `ready` holds for all `stream` has written so far; rejects if `child` exits first or time runs out. */
export function untilOutput(
  child: ChildProcess,
  stream: Readable,
  ready: (output: string) => boolean,
  what: string,
  limitMs = START_UP_LIMIT_MS,
): Promise<void> {
  let output = '';
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      clearTimeout(timer);
      stream.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready(output)) done();
    };
    const onExit = (code: number | null) => {
      done(new Error(`${what}: exited with ${String(code)} before it was ready:\n${output}`));
    };
    const timer = setTimeout(() => {
      done(new Error(`${what}: not ready after ${String(limitMs)} ms:\n${output}`));
    }, limitMs);
    stream.on('data', onData);
    child.once('exit', onExit);
    if (child.exitCode !== null || child.signalCode !== null) onExit(child.exitCode);
  });
}
