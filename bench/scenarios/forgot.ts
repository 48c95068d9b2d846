// POST /api/auth/password/forgot with addresses that have an account and addresses that do not, on one server, in
// interleaved rounds (which goes first alternates), so a slow spell of a shared machine hits both alike. DESIGN §8
// asks that the two cost the same. Every request spends a fresh address: a known address asked about again within a
// minute is cooled down and issues nothing, which is the cheap path, not the one to measure. Unknown addresses are
// fresh too, so both sides count a new cooldown subject. Each side runs twice over: with `connections` connections
// (req/s and server CPU per request, what an attacker's load costs) and with one connection (latency one request at
// a time, what an attacker timing single answers sees). A request only queues a request for the mail; the outbox
// worker, on the same event loop, looks the address up and mints the link later (at its own pace: 10 requests a
// 2 s tick, so under this load most requests are still waiting when the run ends). Afterwards the server's log says
// how many requests each side made (audit lines) and what the worker made of those it reached (its lines).
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
  /** From the server's log: what each side asked for, and what the worker made of the requests it reached. */
  log: ForgotLog;
}

export interface ForgotLog {
  /** `password.forgot` audit lines, by the side of their address. */
  requests: Record<Side, number>;
  /** The worker's 'mail request handed on' lines: links composed, and each reason for sending nothing. */
  handedOn: { composed: number; nothingToSend: Record<string, number> };
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

/** The side of a benchmark address: the two series differ in their first letter (seeded-accounts.ts). */
const sideOf = (email: string): Side =>
  email[0] === benchAddress('known', 0)[0] ? 'known' : 'unknown';

/** The server's log lines so far on password-reset requests (the log reaches its file within 10 ms). */
async function countLogLines(logFile: string): Promise<ForgotLog> {
  await new Promise((resolve) => setTimeout(resolve, 200));
  const counts: ForgotLog = {
    requests: { known: 0, unknown: 0 },
    handedOn: { composed: 0, nothingToSend: {} },
  };
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (line.includes('"event":"password.forgot"')) {
      const { email } = JSON.parse(line) as { email?: unknown };
      counts.requests[sideOf(String(email))] += 1;
    } else if (line.includes('"msg":"mail request handed on"')) {
      const entry = JSON.parse(line) as { outcome?: unknown; reason?: unknown };
      if (entry.outcome === 'composed') counts.handedOn.composed += 1;
      else {
        const reason = String(entry.reason);
        counts.handedOn.nothingToSend[reason] = (counts.handedOn.nothingToSend[reason] ?? 0) + 1;
      }
    }
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

  // Both sides warmed alike (they take one path now; before, a known address also issued a token and a mail).
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
    log: await countLogLines(server.logFile),
  };
}
