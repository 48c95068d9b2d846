// The real service as the benchmark runs it: `node dist/main.js` in a child process on a free loopback port, in
// production mode over plain HTTP, with a fresh SQLite file in a temp dir (which a scenario may fill before the
// service opens it), limits raised out of the way, and its JSON log lines written to a file (writing them is part of
// what each request costs).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { placed, type Placement } from './cpu-affinity.js';

/** This tree's build: what every benchmark measures unless told to run another tree's (bench:compare). */
const BUILT_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const NO_LIMIT = '1000000';

/** Issuer and audience of the benchmark's tokens; the baselines verify the same. */
export const TOKEN_ISSUER = 'auth-api-bench';
export const TOKEN_AUDIENCE = 'auth-api-bench';

export interface Secrets {
  access: string;
  refresh: string;
}

/** Two strong random secrets, made once per run so every server and baseline shares them. */
export function randomSecrets(): Secrets {
  return {
    access: randomBytes(48).toString('base64url'),
    refresh: randomBytes(48).toString('base64url'),
  };
}

export interface BenchServer {
  pid: number;
  baseUrl: string;
  /** Where the server's stdout (its log lines) goes. */
  logFile: string;
  /** Stops it with SIGTERM (a graceful exit, so --cpu-prof writes its profile), then removes its temp dir. */
  stop(): Promise<{ logBytes: number }>;
}

export interface ServerOptions {
  /** Node's own flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  /** More environment, e.g. MONGODB_URI to run on the MongoDB adapter instead of SQLite. */
  extraEnv?: Record<string, string>;
  /** Runs before the service starts, on the SQLite file it will open (e.g. to insert accounts in bulk). */
  prepareStore?: (sqlitePath: string) => Promise<void>;
  /** The service's entry point: this tree's dist/main.js unless another build's (bench:compare runs two commits). */
  main?: string;
}

export async function startServer(
  secrets: Secrets,
  placement: Placement,
  { nodeArgs = [], extraEnv = {}, prepareStore, main = BUILT_MAIN }: ServerOptions = {},
): Promise<BenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'auth-api-bench-'));
  const sqlitePath = join(dir, 'auth.db');
  try {
    await prepareStore?.(sqlitePath);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const logFile = join(dir, 'server.log');
  const logFd = openSync(logFile, 'w');
  // Its own cwd, so no developer .env is read.
  const { command, args } = placed(placement, process.execPath, [...nodeArgs, main]);
  const child = spawn(command, args, {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      ALLOW_INSECURE_HTTP: 'true',
      HOST: '127.0.0.1',
      PORT: '0',
      JWT_ACCESS_SECRET: secrets.access,
      JWT_REFRESH_SECRET: secrets.refresh,
      JWT_ISSUER: TOKEN_ISSUER,
      JWT_AUDIENCE: TOKEN_AUDIENCE,
      CORS_ORIGINS: 'https://app.example.com',
      BCRYPT_ROUNDS: '10',
      SQLITE_PATH: sqlitePath,
      RATE_LIMIT_LOGIN: NO_LIMIT,
      RATE_LIMIT_REGISTER: NO_LIMIT,
      RATE_LIMIT_REFRESH: NO_LIMIT,
      RATE_LIMIT_API: NO_LIMIT,
      RATE_LIMIT_FORGOT: NO_LIMIT,
      LOGIN_THROTTLE_FAILURES: '1000',
      LOG_LEVEL: 'info',
      // Production's mail settings; nothing listens on the SMTP port, so any mail waits in the outbox.
      APP_URL: 'https://app.example.com',
      MAIL_TRANSPORT: 'smtp',
      SMTP_URL: 'smtp://127.0.0.1:1',
      MAIL_FROM: 'Bench <no-reply@example.com>',
      OUTBOX_KEY: randomBytes(32).toString('base64'),
      MFA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ...extraEnv,
    },
    stdio: ['ignore', logFd, 'pipe'],
  });
  closeSync(logFd);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const cleanUp = () => {
    rmSync(dir, { recursive: true, force: true });
  };

  const port = await waitForListening(logFile, () => child.exitCode !== null).catch(
    (error: unknown) => {
      child.kill('SIGKILL');
      const why = error instanceof Error ? error.message : String(error);
      // The log is read before the temp dir that holds it goes.
      const log = readFileSync(logFile, 'utf8');
      cleanUp();
      throw new Error(`${why}\nlog:\n${log}\nstderr:\n${stderr}`);
    },
  );
  if (child.pid === undefined) throw new Error('the server process has no pid');
  return {
    pid: child.pid,
    baseUrl: `http://127.0.0.1:${port}`,
    logFile,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(killer);
      const logBytes = statSync(logFile).size;
      cleanUp();
      return { logBytes };
    },
  };
}

/** Runs `use` against a fresh server and always stops it. */
export async function withServer<T>(
  secrets: Secrets,
  placement: Placement,
  use: (server: BenchServer) => Promise<T>,
  extraEnv: Record<string, string> = {},
  prepareStore?: (sqlitePath: string) => Promise<void>,
): Promise<T> {
  const server = await startServer(secrets, placement, { extraEnv, prepareStore });
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

/** The port from the 'listening' log line (PORT=0 lets the system pick a free one). */
async function waitForListening(logFile: string, hasExited: () => boolean): Promise<number> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline && !hasExited()) {
    for (const line of readFileSync(logFile, 'utf8').split('\n').slice(0, -1)) {
      if (!line.startsWith('{')) continue;
      const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
      if (entry.msg === 'listening' && typeof entry.port === 'number') return entry.port;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(hasExited() ? 'the server exited before listening' : 'no listening line in 20 s');
}
