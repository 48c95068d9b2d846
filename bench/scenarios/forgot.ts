// POST /api/auth/password/forgot with addresses that have an account and addresses that do not, on one server, in
// interleaved rounds (which goes first alternates), so a slow spell of a shared machine hits both alike. DESIGN §8
// asks that the two cost the same. Every request spends a fresh address: a known address asked about again within a
// minute is cooled down and issues nothing, which is the cheap path, not the one to measure. Unknown addresses are
// fresh too, so both sides count a new cooldown subject. Each side runs twice over: with `connections` connections
// (req/s and server CPU per request, what an attacker's load costs) and with one connection (latency one request at
// a time, what an attacker timing single answers sees). The server's audit lines say afterwards how many requests
// really issued a link.
import { readFileSync } from 'node:fs';
import type autocannon from 'autocannon';
import { alternateRounds, compareRounds, type RoundRatios } from '../alternating-rounds.js';
import { mergeRounds, runLoad, type Figures, type Load } from '../measure.js';
import { benchAddress } from '../seeded-accounts.js';
import type { BenchServer } from '../server.js';
import type { BenchSettings } from '../settings.js';

type Side = 'known' | 'unknown';

/** One side's rounds, merged, and known over unknown per round. */
export interface ForgotComparison {
  known: Figures;
  unknown: Figures;
  /** Per round, known ÷ unknown: server CPU µs per request, p50 and p99 latency, req/s. */
  ratios: RoundRatios[];
  /** Medians of `ratios`. */
  medianRatios: RoundRatios;
  /** Each round's figures, for results.json-style reading afterwards. */
  rounds: { known: Figures[]; unknown: Figures[] };
}

export interface ForgotRun {
  /** `connections` connections, as fast as the service answers. */
  loaded: ForgotComparison;
  /** One connection: each request sent when the previous one was answered. */
  oneAtATime: ForgotComparison;
  connections: number;
  rounds: number;
  /** Known addresses handed out, of the `accounts` seeded. */
  knownAddressesUsed: number;
  accounts: number;
  /** From the server's audit lines (`password.forgot`): requests that issued a link, and requests that did not. */
  audit: { sent: number; notSent: number };
}

/** Hands out each address of a series once. Known addresses run out at `limit`; the run then fails. */
function addressSeries(side: Side, limit: number) {
  let handedOut = 0;
  return {
    next(): string {
      const index = handedOut;
      handedOut += 1;
      // Past the seeded accounts a known address would be unknown: the run is void, and says so at the end.
      return benchAddress(side, side === 'known' ? Math.min(index, limit - 1) : index);
    },
    get handedOut() {
      return handedOut;
    },
  };
}

function forgotLoad(
  server: BenchServer,
  series: { next(): string },
  connections: number,
  seconds: number,
): Load {
  const request: autocannon.Request = {
    method: 'POST',
    path: '/api/auth/password/forgot',
    headers: { 'content-type': 'application/json' },
    setupRequest: (sent) => ({ ...sent, body: JSON.stringify({ email: series.next() }) }),
  };
  return {
    url: server.baseUrl,
    connections,
    seconds,
    requests: [request],
    successStatus: 202,
    pid: server.pid,
  };
}

function compare(known: Figures[], unknown: Figures[]): ForgotComparison {
  return {
    known: mergeRounds(known),
    unknown: mergeRounds(unknown),
    ...compareRounds(known, unknown),
    rounds: { known, unknown },
  };
}

/** The server's audit lines for password-reset requests so far (the log reaches its file within 10 ms). */
async function countAuditLines(logFile: string): Promise<{ sent: number; notSent: number }> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  const counts = { sent: 0, notSent: 0 };
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"event":"password.forgot"')) continue;
    const entry = JSON.parse(line) as { sent?: unknown };
    if (entry.sent === true) counts.sent += 1;
    else counts.notSent += 1;
  }
  return counts;
}

export async function measureForgot(
  server: BenchServer,
  settings: BenchSettings,
  accounts: number,
): Promise<ForgotRun> {
  const series = {
    known: addressSeries('known', accounts),
    unknown: addressSeries('unknown', Infinity),
  };
  const load = (side: Side, connections: number, seconds: number) =>
    forgotLoad(server, series[side], connections, seconds);
  const roundSeconds = settings.seconds / settings.rounds;

  async function interleave(connections: number): Promise<ForgotComparison> {
    const measure = (side: Side) => () => runLoad(load(side, connections, roundSeconds));
    const [known, unknown] = await alternateRounds(
      settings.rounds,
      measure('known'),
      measure('unknown'),
    );
    return compare(known, unknown);
  }

  // Both paths warmed, so the JIT has seen the token and the sealed mail as well as the miss.
  for (const side of ['known', 'unknown'] as const) {
    await runLoad(load(side, settings.connections, settings.warmupSeconds / 2));
  }
  const loaded = await interleave(settings.connections);
  const oneAtATime = await interleave(1);
  const knownAddressesUsed = series.known.handedOut;
  if (knownAddressesUsed > accounts) {
    throw new Error(
      `the run needed ${String(knownAddressesUsed)} known addresses and had ${String(accounts)}: raise BENCH_FORGOT_ACCOUNTS`,
    );
  }
  return {
    loaded,
    oneAtATime,
    connections: settings.connections,
    rounds: settings.rounds,
    knownAddressesUsed,
    accounts,
    audit: await countAuditLines(server.logFile),
  };
}
