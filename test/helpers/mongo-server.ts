// Starts a MongoDB-compatible server of the tests' own on a free loopback port, with its data in a temporary folder:
// mongod, or FerretDB (its SQLite backend), whichever binary is on PATH. Each waits for the server's own "ready"
// line. `restart` starts it again on the same port and data, for outage drills.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { untilOutput } from './child-output.js';
import { freePort } from './free-port.js';

export type ServerKind = 'mongod' | 'ferretdb';

export interface StartedMongoServer {
  kind: ServerKind;
  /** `mongodb://127.0.0.1:<port>` (no database). */
  uri: string;
  /** e.g. "FerretDB v1.24.2 (ferretdb on PATH) on 127.0.0.1:40123". */
  description: string;
  /** Stops the process (SIGKILL with `abruptly`, as a crash would), keeping its data. */
  stop(options?: { abruptly?: boolean }): Promise<void>;
  /** Starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops it and removes its data. */
  remove(): Promise<void>;
}

/** The first of mongod and ferretdb that answers `--version`, with what it printed. */
export function findServerBinary(): { kind: ServerKind; version: string } | undefined {
  for (const kind of ['mongod', 'ferretdb'] as const) {
    const probe = spawnSync(kind, ['--version'], { encoding: 'utf8' });
    if (probe.status === 0) {
      const version = /v?\d+\.\d+\.\d+/.exec(probe.stdout)?.[0] ?? 'unknown version';
      return { kind, version };
    }
  }
  return undefined;
}

function commandLine(kind: ServerKind, port: number, dataDir: string): string[] {
  const address = `127.0.0.1:${String(port)}`;
  return kind === 'mongod'
    ? ['--dbpath', dataDir, '--port', String(port), '--bind_ip', '127.0.0.1']
    : [
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--state-dir=${dataDir}`,
        `--listen-addr=${address}`,
        // No debug HTTP server (it would take port 8088 for every instance) and no telemetry call home.
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-format=json',
      ];
}

/** The line each server prints once it accepts connections. */
const READY: Record<ServerKind, (output: string) => boolean> = {
  mongod: (output) => output.includes('Waiting for connections'),
  ferretdb: (output) => output.includes('Listening on TCP'),
};

async function launch(kind: ServerKind, port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(kind, commandLine(kind, port, dataDir), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // mongod logs to standard output, FerretDB to standard error.
  const stream = kind === 'mongod' ? child.stdout : child.stderr;
  // The other stream is drained, so a chatty server never blocks on a full pipe.
  (kind === 'mongod' ? child.stderr : child.stdout).resume();
  await untilOutput(child, stream, READY[kind], `${kind} on port ${String(port)}`);
  stream.resume();
  return child;
}

function stopProcess(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => {
      resolve();
    });
    child.kill(signal);
  });
}

export async function startMongoServer(
  binary: { kind: ServerKind; version: string } | undefined = findServerBinary(),
): Promise<StartedMongoServer> {
  if (!binary) throw new Error('neither mongod nor ferretdb is on PATH');
  const { kind, version } = binary;
  const dataDir = mkdtempSync(join(tmpdir(), `auth-${kind}-`));
  const port = await freePort();
  let child = await launch(kind, port, dataDir);
  const name = kind === 'mongod' ? `MongoDB ${version}` : `FerretDB ${version}`;
  const stop = (options: { abruptly?: boolean } = {}) =>
    stopProcess(child, options.abruptly === true ? 'SIGKILL' : 'SIGTERM');
  return {
    kind,
    uri: `mongodb://127.0.0.1:${String(port)}`,
    description: `${name} (${kind} on PATH) on 127.0.0.1:${String(port)}`,
    stop,
    restart: async () => {
      await stop();
      child = await launch(kind, port, dataDir);
    },
    remove: async () => {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
