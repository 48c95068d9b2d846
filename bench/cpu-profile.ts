// Reads a V8 .cpuprofile (what node --cpu-prof writes) and says where the time went: self time summed by function
// and location, and by area (the service's own code, each package, Node's internals, GC).
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const ROOT_URL = new URL('../', import.meta.url).href;
const ROOT_PATH = fileURLToPath(ROOT_URL);

/** Self time of each node in microseconds: a sample lasts until the next one (as DevTools counts it). */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const times = new Map<number, number>();
  const { samples = [], timeDeltas = [] } = profile;
  if (samples.length > 0) {
    samples.forEach((id, i) => times.set(id, (times.get(id) ?? 0) + (timeDeltas[i + 1] ?? 0)));
    return times;
  }
  const hits = profile.nodes.reduce((sum, node) => sum + (node.hitCount ?? 0), 0);
  const interval = hits > 0 ? (profile.endTime - profile.startTime) / hits : 0;
  for (const node of profile.nodes) times.set(node.id, (node.hitCount ?? 0) * interval);
  return times;
}

function shortLocation(url: string): string {
  const path = url.startsWith(ROOT_URL) ? url.slice(ROOT_URL.length) : url.replace(ROOT_PATH, '');
  const modules = path.lastIndexOf('node_modules/');
  return modules >= 0 ? path.slice(modules) : path;
}

function areaOf(name: string, url: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const location = shortLocation(url);
  const match = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(location);
  if (match?.[1] !== undefined) return match[1];
  return location.startsWith('dist/') ? 'service (dist/)' : location;
}

function addTo(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

interface SelfTimes {
  /** Microseconds by "name\tlocation". */
  byFunction: Map<string, number>;
  byArea: Map<string, number>;
  idle: number;
  total: number;
}

function selfTimesByFunction(profile: CpuProfile): SelfTimes {
  const times = selfTimes(profile);
  const result: SelfTimes = { byFunction: new Map(), byArea: new Map(), idle: 0, total: 0 };
  for (const node of profile.nodes) {
    const micros = times.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName === '' ? '(anonymous)' : functionName;
    result.total += micros;
    if (name === '(idle)') {
      result.idle += micros;
      continue;
    }
    const where = url === '' ? '' : `${shortLocation(url)}:${lineNumber + 1}`;
    addTo(result.byFunction, `${name}\t${where}`, micros);
    addTo(result.byArea, areaOf(name, url), micros);
  }
  return result;
}

const ranked = (map: Map<string, number>, count: number) =>
  [...map].sort((a, b) => b[1] - a[1]).slice(0, count);

const functionLabel = (key: string) => key.split('\t').join('  ');

export function summarizeCpuProfile(profile: CpuProfile, top = 25): string {
  const { byFunction, byArea, idle, total } = selfTimesByFunction(profile);
  const busy = total - idle;
  const ms = (micros: number) => (micros / 1000).toFixed(0).padStart(7);
  const share = (micros: number) => `${((micros / busy) * 100).toFixed(1)}%`.padStart(6);
  return [
    `sampled ${(total / 1e6).toFixed(1)} s: busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s`,
    '',
    `top ${top} functions by self time (% of busy time):`,
    `${'self ms'.padStart(7)} ${'share'.padStart(6)}  function  location`,
    ...ranked(byFunction, top).map(
      ([key, micros]) => `${ms(micros)} ${share(micros)}  ${functionLabel(key)}`,
    ),
    '',
    'self time by area:',
    ...ranked(byArea, 12).map(([area, micros]) => `${ms(micros)} ${share(micros)}  ${area}`),
  ].join('\n');
}

export interface ProfiledRun {
  profile: CpuProfile;
  /** Requests answered while it was profiled: self times are divided by it. */
  requests: number;
}

/**
 * Main-thread self time per request, by function, of the service against a baseline doing the same work: the
 * functions that cost the service the most beyond the baseline come first. Whole-process profiles, so start-up
 * (module loading, the account set-up) is spread over the requests too.
 */
export function comparePerRequest(service: ProfiledRun, baseline: ProfiledRun, top = 40): string {
  const perRequest = (run: ProfiledRun) => {
    const { byFunction, idle, total } = selfTimesByFunction(run.profile);
    const scale = (micros: number) => micros / Math.max(run.requests, 1);
    return {
      busy: scale(total - idle),
      byFunction: new Map([...byFunction].map(([key, micros]) => [key, scale(micros)])),
    };
  };
  const ours = perRequest(service);
  const theirs = perRequest(baseline);
  const keys = new Set([...ours.byFunction.keys(), ...theirs.byFunction.keys()]);
  const extra = new Map(
    [...keys].map((key) => [
      key,
      (ours.byFunction.get(key) ?? 0) - (theirs.byFunction.get(key) ?? 0),
    ]),
  );
  const us = (micros: number) => micros.toFixed(2).padStart(7);
  return [
    `busy main-thread µs per request: service ${ours.busy.toFixed(1)}, baseline ${theirs.busy.toFixed(1)}`,
    '',
    `top ${top} functions by extra self time per request (service minus baseline):`,
    `${'extra'.padStart(7)} ${'service'.padStart(7)} ${'base'.padStart(7)}  function  location`,
    ...ranked(extra, top).map(
      ([key, micros]) =>
        `${us(micros)} ${us(ours.byFunction.get(key) ?? 0)} ${us(theirs.byFunction.get(key) ?? 0)}  ${functionLabel(key)}`,
    ),
  ].join('\n');
}
