// GET /api/auth/profile on the real service with a valid access token: the hot path of every client.
import { login, register, type SignedIn } from '../accounts.js';
import { runLoad, warmUp, type Figures, type Load } from '../measure.js';
import type { BenchServer } from '../server.js';
import type { BenchSettings } from '../settings.js';

export interface ProfileRun {
  figures: Figures;
  /** The session whose token the baselines verify too. */
  signedIn: SignedIn;
  /** The service's answer, which the baselines must match. */
  answer: unknown;
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

export async function measureProfile(
  server: BenchServer,
  settings: BenchSettings,
): Promise<ProfileRun> {
  await register(server.baseUrl);
  const signedIn = await login(server.baseUrl);
  const load = (seconds: number) => ({
    ...profileLoad(server.baseUrl, signedIn.accessToken, seconds, settings.connections),
    pid: server.pid,
  });
  const response = await fetch(load(0).url, { headers: load(0).headers });
  const answer: unknown = await response.json();
  if (response.status !== 200) throw new Error(`profile answered ${response.status}`);
  await warmUp(load(settings.warmupSeconds));
  return { figures: await runLoad(load(settings.seconds)), signedIn, answer };
}
