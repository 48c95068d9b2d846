// POST /api/auth/login with the right password, as fast as the service answers: bcrypt bounds it, so the budget
// compares it with the raw compare rate.
import { loginBody, register } from '../accounts.js';
import { runLoad, type Figures, type Load } from '../measure.js';
import type { BenchServer } from '../server.js';
import type { BenchSettings } from '../settings.js';

export function loginLoad(baseUrl: string, connections: number, seconds: number): Load {
  return {
    url: `${baseUrl}/api/auth/login`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: loginBody,
    connections,
    seconds,
  };
}

export async function measureLogin(server: BenchServer, settings: BenchSettings): Promise<Figures> {
  await register(server.baseUrl);
  const load = loginLoad(server.baseUrl, settings.loginConnections, settings.seconds);
  return runLoad({ ...load, pid: server.pid });
}
