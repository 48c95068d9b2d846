// POST /api/auth/login with the right password, as fast as the service answers: bcrypt bounds it, so the budget
// compares it with the raw compare rate.
import { loginBody, loginBodyOf, register, type Credentials } from '../accounts.js';
import { runLoad, type Figures, type Load } from '../measure.js';
import type { BenchServer } from '../server.js';
import type { BenchSettings } from '../settings.js';

/** Logins as the bench's account, or each as the account `pick` names (bench:scale's seeded accounts). */
export function loginLoad(
  baseUrl: string,
  connections: number,
  seconds: number,
  pick?: () => Credentials,
): Load {
  const headers = { 'content-type': 'application/json' };
  const load = { url: `${baseUrl}/api/auth/login`, connections, seconds };
  if (pick === undefined) return { ...load, method: 'POST', headers, body: loginBody };
  return {
    ...load,
    requests: [
      {
        method: 'POST',
        path: '/api/auth/login',
        headers,
        setupRequest: (request) => ({ ...request, body: loginBodyOf(pick()) }),
      },
    ],
  };
}

export async function measureLogin(server: BenchServer, settings: BenchSettings): Promise<Figures> {
  await register(server.baseUrl);
  const load = loginLoad(server.baseUrl, settings.loginConnections, settings.seconds);
  return runLoad({ ...load, pid: server.pid });
}
