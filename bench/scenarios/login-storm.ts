// Is the event loop free while bcrypt works? Logins offered at twice the raw bcrypt rate (one connection per login a
// second, so the rate and not the connection count is the limit, and the service holds a queue of them) while
// GET /health asks at a modest rate; /health's latency is the answer.
import { register } from '../accounts.js';
import { runLoad, warmUp, type Figures, type Load } from '../measure.js';
import type { BenchServer } from '../server.js';
import type { BenchSettings } from '../settings.js';
import { loginLoad } from './login.js';

export interface StormRun {
  offeredLoginRate: number;
  logins: Figures;
  health: Figures;
}

export async function measureLoginStorm(
  server: BenchServer,
  settings: BenchSettings,
  bcryptComparesPerSecond: number,
): Promise<StormRun> {
  await register(server.baseUrl);
  const healthLoad = (seconds: number): Load => ({
    url: `${server.baseUrl}/health`,
    connections: 2,
    seconds,
    overallRate: settings.healthRate,
  });
  // A storm on a warm service: a fresh process's first requests also pay for compiling their code paths.
  await Promise.all([
    warmUp(loginLoad(server.baseUrl, settings.loginConnections, settings.warmupSeconds)),
    warmUp(healthLoad(settings.warmupSeconds)),
  ]);
  const offeredLoginRate = Math.max(1, Math.round(2 * bcryptComparesPerSecond));
  const [logins, health] = await Promise.all([
    runLoad({
      ...loginLoad(server.baseUrl, offeredLoginRate, settings.seconds),
      overallRate: offeredLoginRate,
      pid: server.pid,
    }),
    runLoad(healthLoad(settings.seconds)),
  ]);
  return { offeredLoginRate, logins, health };
}
