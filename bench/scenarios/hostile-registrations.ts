// Is the event loop free while anyone may send the costliest registrations there are? A stream of worst-case
// POST /api/auth/register bodies (passwords at the 72-byte limit built to make the guessability estimate work
// hardest, a password far over the limit, hundreds of unknown fields, a name of stacked combining marks that makes
// NFC normalization quadratic), each with a fresh email, at a fixed rate, while GET /health asks at a modest rate.
// The answer is the service's own event-loop delay, read from its /metrics (prom-client's monitorEventLoopDelay), and
// /health's latency as a client sees it.
import { randomBytes } from 'node:crypto';
import { roundTo, runLoad, type Figures, type Load } from '../measure.js';
import type { BenchServer } from '../server.js';
import type { BenchSettings } from '../settings.js';

/** The server must be started with this as METRICS_TOKEN, so the benchmark can read its /metrics. */
export const METRICS_TOKEN = randomBytes(32).toString('base64url');

/** Event-loop delay as the service reports it: the time between two ticks of a 10 ms timer (idle reads ~10 ms). */
export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface HostileRun {
  offeredRate: number;
  /** Over the very first hostile registration a fresh process serves (nothing warm yet). */
  firstRequestLoopMaxMs: number;
  /** Each kind of body sent alone, one request at a time: the most any one of them held the loop. */
  alone: Array<{
    kind: string;
    requests: number;
    loopMaxMs: number;
    statuses: Record<string, number>;
  }>;
  /** The stream, all kinds in turn at `offeredRate`, with GET /health alongside. */
  stream: { loop: LoopDelay; registrations: Figures; health: Figures };
}

/** Requests of each kind sent one at a time. */
const ALONE_REQUESTS = 20;

const EMAIL = 'bench-[<id>]@example.com';
/** Printable ASCII in a scattered order: no word, no keyboard walk, many l33t candidates. */
const SCATTERED_72 = Array.from({ length: 72 }, (_, i) =>
  String.fromCharCode(33 + ((i * 7919) % 94)),
).join('');
const LONG_NAME =
  'Grace Brewster Murray Hopper Ada Augusta King Lovelace Katherine Johnson Margaret Hamilton'.slice(
    0,
    100,
  );

/** Each kind of body, as JSON text (`[<id>]` becomes a fresh id). All fit the default 10 KB body limit. */
export const HOSTILE_BODIES: Record<string, string> = {
  'l33t password, 72 bytes': JSON.stringify({
    email: EMAIL,
    name: 'Bench User',
    password: 'P@ssw0rd!'.repeat(8),
  }),
  'scattered password, 72 bytes': JSON.stringify({
    email: EMAIL,
    name: 'Bench User',
    password: SCATTERED_72,
  }),
  'l33t password, 72 bytes, longest name and email': JSON.stringify({
    email: `bench-[<id>]-${'x'.repeat(20)}@${'long-domain.'.repeat(13)}example.com`,
    name: LONG_NAME,
    password: '|-[#4mx(i)kqb&4yxww^/%vug))0zjeu'.repeat(3).slice(0, 72),
  }),
  'password of 9,000 bytes': JSON.stringify({
    email: EMAIL,
    name: 'Bench User',
    password: 'P@ssw0rd!'.repeat(1000),
  }),
  '800 unknown fields': JSON.stringify({
    email: EMAIL,
    name: 'Bench User',
    password: 'Str0ng-but-fine!',
    ...Object.fromEntries(Array.from({ length: 800 }, (_, i) => [`f${String(i)}`, 0])),
  }),
  'name of 4,900 stacked combining marks': JSON.stringify({
    email: EMAIL,
    name: `a${'\u0301\u0316'.repeat(2450)}`,
    password: 'Str0ng-but-fine!',
  }),
};

for (const [kind, body] of Object.entries(HOSTILE_BODIES)) {
  if (Buffer.byteLength(body) > 10_240) throw new Error(`${kind}: the body exceeds 10 KB`);
}

async function readLoopDelay(baseUrl: string): Promise<LoopDelay> {
  const response = await fetch(`${baseUrl}/metrics`, {
    headers: { authorization: `Bearer ${METRICS_TOKEN}` },
  });
  if (!response.ok) throw new Error(`/metrics answered ${String(response.status)}`);
  const text = await response.text();
  const seconds = (name: string) => {
    const value = new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1];
    if (value === undefined) throw new Error(`/metrics has no ${name}`);
    return roundTo(Number(value) * 1000, 1);
  };
  return {
    p50Ms: seconds('nodejs_eventloop_lag_p50_seconds'),
    p99Ms: seconds('nodejs_eventloop_lag_p99_seconds'),
    maxMs: seconds('nodejs_eventloop_lag_max_seconds'),
  };
}

/** Every read of /metrics starts a new window: the reading covers the time since the previous one. */
const startLoopWindow = readLoopDelay;

function hostileLoad(baseUrl: string, rate: number, seconds: number, pid?: number): Load {
  return {
    url: `${baseUrl}/api/auth/register`,
    connections: Math.max(8, Math.ceil(rate / 4)),
    seconds,
    overallRate: rate,
    idReplacement: true,
    requests: Object.values(HOSTILE_BODIES).map((body) => ({
      method: 'POST' as const,
      path: '/api/auth/register',
      headers: { 'content-type': 'application/json' },
      body,
    })),
    ...(pid === undefined ? {} : { pid }),
  };
}

let emails = 0;

async function registerOnce(baseUrl: string, body: string): Promise<number> {
  emails += 1;
  const response = await fetch(`${baseUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body.replaceAll('[<id>]', `alone-${String(emails)}`),
  });
  await response.arrayBuffer();
  return response.status;
}

export async function measureHostileRegistrations(
  server: BenchServer,
  settings: BenchSettings,
  offeredRate: number,
): Promise<HostileRun> {
  const { baseUrl } = server;
  // The first hostile registration of a fresh process: nothing compiled or loaded on demand yet.
  await startLoopWindow(baseUrl);
  await registerOnce(baseUrl, HOSTILE_BODIES['l33t password, 72 bytes'] ?? '');
  const firstRequestLoopMaxMs = (await readLoopDelay(baseUrl)).maxMs;

  // Each kind alone, one request at a time: what a single request costs the loop, with nothing queued beside it.
  const alone: HostileRun['alone'] = [];
  for (const [kind, body] of Object.entries(HOSTILE_BODIES)) {
    await startLoopWindow(baseUrl);
    const statuses: Record<string, number> = {};
    for (let i = 0; i < ALONE_REQUESTS; i += 1) {
      const status = String(await registerOnce(baseUrl, body));
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
    alone.push({
      kind,
      requests: ALONE_REQUESTS,
      loopMaxMs: (await readLoopDelay(baseUrl)).maxMs,
      statuses,
    });
  }

  // The stream: requests overlap, and bcrypt's threads take cores from the loop, so delays add up.
  const healthLoad = (seconds: number): Load => ({
    url: `${baseUrl}/health`,
    connections: 2,
    seconds,
    overallRate: settings.healthRate,
  });
  await Promise.all([
    runLoad(hostileLoad(baseUrl, offeredRate, settings.warmupSeconds)),
    runLoad(healthLoad(settings.warmupSeconds)),
  ]);
  await startLoopWindow(baseUrl);
  const [registrations, health] = await Promise.all([
    runLoad(hostileLoad(baseUrl, offeredRate, settings.seconds, server.pid)),
    runLoad(healthLoad(settings.seconds)),
  ]);
  const loop = await readLoopDelay(baseUrl);
  return { offeredRate, firstRequestLoopMaxMs, alone, stream: { loop, registrations, health } };
}
