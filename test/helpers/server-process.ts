// Starts the real service (src/main.ts) as a child process, in a throwaway working directory, and reads its logs.
import { spawn, type ChildProcess } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';
import { START_UP_LIMIT_MS } from './child-output.js';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

export interface ServerProcess {
  child: ChildProcess;
  cwd: string;
  /** Complete log lines so far, parsed. */
  lines(): Array<Record<string, unknown>>;
  stderr(): string;
  /** Resolves with the exit code once the process has exited and its output has all been read. */
  exited: Promise<number | null>;
  /**
   * Resolves with the first log line matching, as soon as the server writes it; rejects when the process ends
   * without writing one, or after `limitMs` (generous: a loaded machine is slow, not broken).
   */
  waitForLine(
    match: (line: Record<string, unknown>) => boolean,
    limitMs?: number,
  ): Promise<Record<string, unknown>>;
}

export function spawnServer(env: Record<string, string | undefined>): ServerProcess {
  const cwd = mkdtempSync(join(tmpdir(), 'auth-api-process-'));
  // Its own cwd: no developer .env is read, and development secrets land in the temp dir.
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let closed = false;
  /** Called on every change: new output, or the end of the process. */
  const watchers = new Set<() => void>();
  const changed = () => {
    for (const watcher of [...watchers]) watcher();
  };
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    changed();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // 'close' comes after 'exit' and after the last output has been read, so nothing it wrote is missed.
  const exited = new Promise<number | null>((resolve) => {
    child.once('close', (code) => {
      closed = true;
      resolve(code);
      changed();
    });
  });
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  });

  // Only lines the newline has ended: a chunk may stop in the middle of one.
  const lines = () =>
    stdout
      .slice(0, stdout.lastIndexOf('\n') + 1)
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  function waitForLine(
    match: (line: Record<string, unknown>) => boolean,
    limitMs = START_UP_LIMIT_MS,
  ): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const finish = (outcome: () => void) => {
        watchers.delete(check);
        clearTimeout(timer);
        outcome();
      };
      const fail = (why: string) => {
        finish(() => {
          reject(new Error(`${why}; stdout:\n${stdout}\nstderr:\n${stderr}`));
        });
      };
      function check() {
        const found = lines().find(match);
        if (found) {
          finish(() => {
            resolve(found);
          });
        } else if (closed) fail('the server process ended without the log line awaited');
      }
      const timer = setTimeout(() => {
        fail(`no matching log line within ${String(limitMs)} ms`);
      }, limitMs);
      watchers.add(check);
      check();
    });
  }

  return { child, cwd, lines, stderr: () => stderr, exited, waitForLine };
}

/** Spawns the server and waits for its `listening` line; resolves with its base URL. */
export async function startServer(env: Record<string, string | undefined>) {
  const server = spawnServer(env);
  const listening = await server.waitForLine((line) => line.msg === 'listening');
  return { ...server, baseUrl: `http://127.0.0.1:${String(listening.port)}` };
}

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** A POST whose request is fully written before `sent` resolves, so a test knows it is in flight. */
export function post(baseUrl: string, path: string, body: object) {
  let markSent: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const reply = new Promise<Reply>((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('finish', markSent);
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> });
      });
      res.on('error', reject);
    });
    req.end(JSON.stringify(body));
  });
  return { sent, reply };
}

/** Waits until the server has taken `count` requests (its debug line), so they are surely in flight. */
export async function receivedRequests(server: ServerProcess, count: number) {
  await server.waitForLine(
    () => server.lines().filter((line) => line.msg === 'request received').length >= count,
  );
}

/**
 * Writes raw bytes to the server on one connection and collects everything it answers until it closes the
 * connection (or the connection stays idle for `idleLimitMs`). For requests an HTTP client would refuse to send.
 */
export function rawExchange(
  baseUrl: string,
  write: (socket: Socket) => void,
  idleLimitMs = START_UP_LIMIT_MS,
): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let received = '';
    const socket = connect(Number(port), hostname, () => {
      write(socket);
    });
    socket.setTimeout(idleLimitMs, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
    });
    socket.on('close', () => {
      resolve(received);
    });
    socket.on('error', reject);
  });
}

/** The status line, headers and JSON body of each response in a raw exchange, in order. */
export function parseRawResponses(raw: string) {
  return raw
    .split(/(?=HTTP\/1\.1 \d{3} )/)
    .filter((part) => part.startsWith('HTTP/1.1'))
    .map((part) => {
      const [head = '', body = ''] = part.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers = Object.fromEntries(
        headerLines.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
        }),
      );
      const json = body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1);
      return {
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: JSON.parse(json === '' ? 'null' : json) as Record<string, unknown> | null,
      };
    });
}
