// Reads TRUST_PROXY into a value for Express's 'trust proxy' setting, refusing the one that trusts every hop.
import { isIP } from 'node:net';

/** `false`, a hop count, or a list of addresses, CIDR ranges and Express's named ranges. */
export type TrustProxy = false | number | string[];

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

export type TrustProxyParse = { ok: true; value: TrustProxy } | { ok: false; reason: string };

export function parseTrustProxy(raw: string | undefined): TrustProxyParse {
  const text = (raw ?? '').trim();
  if (text === '' || text === 'false') return { ok: true, value: false };
  if (text === 'true' || text === '*') {
    return {
      ok: false,
      reason:
        'trusting every proxy lets any client choose its own IP; give a hop count or addresses',
    };
  }
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return { ok: true, value: hops === 0 ? false : hops };
  }
  const entries = text.split(',').map((entry) => entry.trim());
  const bad = entries.find((entry) => !isTrustedProxyEntry(entry));
  if (bad !== undefined) {
    return {
      ok: false,
      reason: `"${bad}" is not a hop count, an IP address, a CIDR range (at most /8 for IPv4, /16 for IPv6) or a named range`,
    };
  }
  return { ok: true, value: entries };
}

// The widest ranges accepted: anything wider is most of the address space, i.e. trusting every client
// (0.0.0.0/1 plus 128.0.0.0/1 would otherwise undo the refusal of "true").
const NARROWEST_PREFIX = { 4: 8, 6: 16 } as const;
const WIDEST_PREFIX = { 4: 32, 6: 128 } as const;

function isTrustedProxyEntry(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  if (rest.length > 0 || address === undefined) return false;
  const family = isIP(address);
  if (family !== 4 && family !== 6) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  const bits = Number(prefix);
  return bits >= NARROWEST_PREFIX[family] && bits <= WIDEST_PREFIX[family];
}
