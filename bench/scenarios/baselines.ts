// A baseline process (plain Express 5, bare node:http) doing profile's work with the same token, key and checks,
// checked to answer exactly what the service answered before it is measured.
import { isDeepStrictEqual } from 'node:util';
import type { SignedIn } from '../accounts.js';
import type { BaselineConfig } from '../baselines/profile-work.js';
import { startHelper } from '../child-process.js';
import type { Load } from '../measure.js';
import { TOKEN_AUDIENCE, TOKEN_ISSUER, type Secrets } from '../server.js';
import type { BenchSettings } from '../settings.js';
import { profileLoad } from './profile.js';

export const BASELINES = {
  express: 'baselines/express-app.ts',
  nodeHttp: 'baselines/node-http-server.ts',
} as const;

function keyIdOf(token: string): string {
  const header = JSON.parse(
    Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'),
  ) as {
    kid?: unknown;
  };
  if (typeof header.kid !== 'string') throw new Error('the access token names no kid');
  return header.kid;
}

export interface RunningBaseline {
  load(seconds: number): Load;
  stop(): Promise<void>;
}

/** Starts a baseline process and checks that it answers exactly what the service answered. */
export async function startBaseline(
  script: string,
  run: { secrets: Secrets; signedIn: SignedIn; answer: unknown },
  settings: BenchSettings,
  nodeArgs: string[] = [],
): Promise<RunningBaseline> {
  const config: BaselineConfig = {
    secret: run.secrets.access,
    kid: keyIdOf(run.signedIn.accessToken),
    issuer: TOKEN_ISSUER,
    audience: TOKEN_AUDIENCE,
    user: run.signedIn.user,
  };
  const helper = await startHelper(
    script,
    'server',
    { BENCH_BASELINE: JSON.stringify(config) },
    { nodeArgs },
  );
  const baseUrl = `http://127.0.0.1:${String(helper.announced.port)}`;
  const load = (seconds: number): Load => ({
    ...profileLoad(baseUrl, run.signedIn.accessToken, seconds, settings.connections),
    pid: helper.child.pid,
  });
  try {
    const response = await fetch(load(0).url, { headers: load(0).headers });
    const answer: unknown = await response.json();
    if (response.status !== 200 || !isDeepStrictEqual(answer, run.answer)) {
      throw new Error(
        `${script} answers ${JSON.stringify(answer)}, the service ${JSON.stringify(run.answer)}`,
      );
    }
  } catch (error) {
    await helper.stop();
    throw error;
  }
  return { load, stop: () => helper.stop() };
}
