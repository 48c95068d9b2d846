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

export function summarizeCpuProfile(profile: CpuProfile, top = 25): string {
  const times = selfTimes(profile);
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let idle = 0;
  let total = 0;
  for (const node of profile.nodes) {
    const micros = times.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName === '' ? '(anonymous)' : functionName;
    total += micros;
    if (name === '(idle)') {
      idle += micros;
      continue;
    }
    const where = url === '' ? '' : `${shortLocation(url)}:${lineNumber + 1}`;
    addTo(byFunction, `${name}\t${where}`, micros);
    addTo(byArea, areaOf(name, url), micros);
  }
  const busy = total - idle;
  const ms = (micros: number) => (micros / 1000).toFixed(0).padStart(7);
  const share = (micros: number) => `${((micros / busy) * 100).toFixed(1)}%`.padStart(6);
  const ranked = (map: Map<string, number>, count: number) =>
    [...map].sort((a, b) => b[1] - a[1]).slice(0, count);
  return [
    `sampled ${(total / 1e6).toFixed(1)} s: busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s`,
    '',
    `top ${top} functions by self time (% of busy time):`,
    `${'self ms'.padStart(7)} ${'share'.padStart(6)}  function  location`,
    ...ranked(byFunction, top).map(([key, micros]) => {
      const [name, where] = key.split('\t');
      return `${ms(micros)} ${share(micros)}  ${name ?? ''}  ${where ?? ''}`;
    }),
    '',
    'self time by area:',
    ...ranked(byArea, 12).map(([area, micros]) => `${ms(micros)} ${share(micros)}  ${area}`),
  ].join('\n');
}
