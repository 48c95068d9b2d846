// Refresh under load with rotation honoured: every connection owns one session, and each of its requests carries
// the refresh token the previous response on that connection returned. A token is never sent twice, so any non-200
// is a real failure, not reuse detection. autocannon resets a connection's `context` whenever its request list
// wraps around (after every request, for a one-request list), so the chain cannot live there: each connection gets
// its own request list from setupClient, whose setupRequest and onResponse close over that connection's chain.
import type autocannon from 'autocannon';

export interface Chain {
  token: string;
  /** Refreshes answered 200 on this chain. */
  rotations: number;
  /** Set by the first non-200: the session is then of no further use (reuse revokes it). */
  brokenBy?: number;
}

export function chainRefreshTokens(refreshTokens: readonly string[]) {
  const chains: Chain[] = refreshTokens.map((token) => ({ token, rotations: 0 }));
  let handedOut = 0;

  const setupClient = (client: autocannon.Client) => {
    const chain = chains[handedOut];
    handedOut += 1;
    if (chain === undefined) throw new Error('more connections than sessions to refresh');
    client.setRequests([
      {
        method: 'POST',
        path: '/api/auth/refresh',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({
          ...request,
          body: JSON.stringify({ refreshToken: chain.token }),
        }),
        onResponse: (status, body) => {
          if (status !== 200) {
            chain.brokenBy ??= status;
            return;
          }
          chain.token = (JSON.parse(body) as { data: { refreshToken: string } }).data.refreshToken;
          chain.rotations += 1;
        },
      },
    ]);
  };

  return { chains, setupClient };
}
