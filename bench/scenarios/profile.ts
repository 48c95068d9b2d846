// GET /api/auth/profile on the real service with a valid access token: the hot path of every client.
import { login, register, type SignedIn } from '../accounts.js';
import type { Load } from '../measure.js';
import type { BenchServer } from '../server.js';
import type { BenchSettings } from '../settings.js';

export interface ProfileTarget {
  /** The session whose token the baselines verify too. */
  signedIn: SignedIn;
  /** The service's answer, which the baselines must match. */
  answer: unknown;
  load(seconds: number): Load;
}

export function profileLoad(
  baseUrl: string,
  accessToken: string,
  seconds: number,
  connections: number,
): Load {
  return {
    url: `${baseUrl}/api/auth/profile`,
    connections,
    seconds,
    headers: { authorization: `Bearer ${accessToken}` },
  };
}

/** Signs in on a fresh service and returns its profile load, with the answer the baselines must match. */
export async function prepareProfile(
  server: BenchServer,
  settings: BenchSettings,
): Promise<ProfileTarget> {
  await register(server.baseUrl);
  const signedIn = await login(server.baseUrl);
  const load = (seconds: number): Load => ({
    ...profileLoad(server.baseUrl, signedIn.accessToken, seconds, settings.connections),
    pid: server.pid,
  });
  const response = await fetch(load(0).url, { headers: load(0).headers });
  const answer: unknown = await response.json();
  if (response.status !== 200) throw new Error(`profile answered ${response.status}`);
  return { signedIn, answer, load };
}
