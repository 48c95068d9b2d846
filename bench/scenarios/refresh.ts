// POST /api/auth/refresh with rotation: one session per connection, each request spending the token the previous
// answer on its connection returned (../refresh-chain.ts). Warm-up and measurement use separate sessions, since a
// request cut off when a run stops leaves its chain holding a token the service has already rotated.
import { logins, register } from '../accounts.js';
import { runLoad, type Figures } from '../measure.js';
import { chainRefreshTokens } from '../refresh-chain.js';
import type { BenchServer } from '../server.js';
import type { BenchSettings } from '../settings.js';

export interface RefreshRun {
  figures: Figures;
  sessions: number;
  /** Chains that met a non-200, by the status that broke them. */
  brokenChains: Record<string, number>;
}

async function refreshLoad(server: BenchServer, connections: number, seconds: number) {
  const sessions = await logins(server.baseUrl, connections);
  const { chains, setupClient } = chainRefreshTokens(sessions.map((s) => s.refreshToken));
  const figures = await runLoad({
    url: `${server.baseUrl}/api/auth/refresh`,
    method: 'POST',
    connections,
    seconds,
    setupClient,
    pid: server.pid,
  });
  const brokenChains: Record<string, number> = {};
  for (const { brokenBy } of chains) {
    if (brokenBy !== undefined) brokenChains[brokenBy] = (brokenChains[brokenBy] ?? 0) + 1;
  }
  return { figures, sessions: sessions.length, brokenChains };
}

export async function measureRefresh(
  server: BenchServer,
  settings: BenchSettings,
): Promise<RefreshRun> {
  await register(server.baseUrl);
  await refreshLoad(server, settings.connections, settings.warmupSeconds);
  return refreshLoad(server, settings.connections, settings.seconds);
}
