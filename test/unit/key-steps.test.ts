// The steps of `npm run keys` over a real temporary key directory at a fixed time: each step, each refusal and when
// it lifts, --force, file modes, a ring the server can read after every step, and audit lines with no key material.
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { reportList, reportPromote, reportRetire } from '../../src/keys/key-step-report.js';
import {
  createKey,
  listKeys,
  promoteKey,
  retireKey,
  type StepContext,
} from '../../src/keys/key-steps.js';
import { keyFileName, writeKeyFile, type SigningKeyFile } from '../../src/keys/signing-key-file.js';
import { readSigningKeyRing } from '../../src/keys/signing-key-ring.js';
import { createAuditLog } from '../../src/observability/audit-log.js';
import { createLogger } from '../../src/observability/logger.js';
import { LogCapture } from '../helpers/log-capture.js';

const START = Date.parse('2026-03-01T12:00:00.000Z');
const MINUTE = 60_000;
/** JWKS_LEAD_TIME 15 min, JWT_ACCESS_TTL 15 min: retire is allowed 16 min after promote (60 s of skew). */
const times = { leadTimeSeconds: 15 * 60, accessTtlSeconds: 15 * 60 };

function keyDirectory() {
  const root = mkdtempSync(join(tmpdir(), 'auth-key-steps-'));
  onTestFinished(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const dir = join(root, 'keys');
  const logs = new LogCapture();
  const audit = createAuditLog(createLogger({ level: 'info', destination: logs.stream }));
  const at = (minutes: number): StepContext => ({
    dir,
    now: new Date(START + minutes * MINUTE),
    times,
    audit,
  });
  const fileOf = (kid: string) =>
    JSON.parse(readFileSync(join(dir, keyFileName(kid)), 'utf8')) as SigningKeyFile;
  const stateOf = (kid: string) => listKeys(dir).find((key) => key.kid === kid)?.state;
  return { dir, logs, at, fileOf, stateOf };
}

/** A directory in service: key `first` active since minute 0. */
function ringInService() {
  const keys = keyDirectory();
  const { kid: first } = createKey(keys.at(0));
  expect(promoteKey(keys.at(0))).toMatchObject({ outcome: 'promoted', kid: first });
  return { ...keys, first };
}

describe('npm run keys steps', () => {
  it('when a key is created, then it is next (published, not signing), mode 0600, and audited without its private member', () => {
    const { dir, logs, at, fileOf, first } = ringInService();

    const { kid } = createKey(at(1));

    const file = fileOf(kid);
    expect(file).toMatchObject({
      state: 'next',
      createdAt: '2026-03-01T12:01:00.000Z',
      activatedAt: null,
    });
    expect(statSync(join(dir, keyFileName(kid))).mode & 0o777).toBe(0o600);
    const ring = readSigningKeyRing(dir);
    expect(ring.active.kid).toBe(first);
    expect(ring.published.map((key) => key.kid)).toContain(kid);
    expect(logs.events('jwks.key.created').at(-1)).toMatchObject({
      kid,
      to: 'next',
      forced: false,
    });
    expect(logs.text).not.toContain(file.jwk.d);
    expect(logs.text).not.toContain(fileOf(first).jwk.d);
  });

  it('when the first key of an empty directory is promoted, then it signs at once: no key has signed before it', () => {
    const { dir, at } = keyDirectory();
    const { kid } = createKey(at(0));

    expect(promoteKey(at(0))).toEqual({
      outcome: 'promoted',
      kid,
      retiringKid: undefined,
      forced: false,
    });

    expect(readSigningKeyRing(dir).active.kid).toBe(kid);
  });

  it('when a next key is promoted before JWKS_LEAD_TIME has passed, then it is refused, naming when it will be allowed, and nothing changes', () => {
    const { dir, at, first, stateOf } = ringInService();
    const { kid } = createKey(at(1));

    const outcome = promoteKey(at(15));

    expect(outcome).toEqual({
      outcome: 'too_early',
      kid,
      allowedAt: new Date(START + 16 * MINUTE),
    });
    expect(reportPromote(outcome)).toMatchObject({ exitCode: 1 });
    expect(reportPromote(outcome).text).toContain('2026-03-01T12:16:00.000Z');
    expect(stateOf(kid)).toBe('next');
    expect(readSigningKeyRing(dir).active.kid).toBe(first);
  });

  it('when the lead time has passed, then promote makes the next key active and the active one retiring, with the dates set and the ring valid', () => {
    const { dir, logs, at, fileOf, first } = ringInService();
    const { kid } = createKey(at(1));

    const outcome = promoteKey(at(16), kid);

    expect(outcome).toEqual({ outcome: 'promoted', kid, retiringKid: first, forced: false });
    expect(fileOf(kid)).toMatchObject({ state: 'active', activatedAt: '2026-03-01T12:16:00.000Z' });
    expect(fileOf(first)).toMatchObject({
      state: 'retiring',
      retiredAt: '2026-03-01T12:16:00.000Z',
    });
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    const ring = readSigningKeyRing(dir);
    expect(ring.active.kid).toBe(kid);
    expect([...ring.verifying.keys()].sort()).toEqual([first, kid].sort());
    expect(logs.events('jwks.key.promoted').at(-1)).toMatchObject({
      kid,
      from: 'next',
      to: 'active',
      retiringKid: first,
      forced: false,
    });
    expect(logs.text).not.toContain(fileOf(kid).jwk.d);
  });

  it('when promote is forced early, then it goes through, the report says so loudly, and the audit line says forced', () => {
    const { dir, logs, at } = ringInService();
    const { kid } = createKey(at(1));

    const outcome = promoteKey(at(2), undefined, true);

    expect(outcome).toMatchObject({ outcome: 'promoted', kid, forced: true });
    expect(reportPromote(outcome).text).toContain('--force');
    expect(readSigningKeyRing(dir).active.kid).toBe(kid);
    expect(logs.events('jwks.key.promoted').at(-1)).toMatchObject({ kid, forced: true });
  });

  it('when there is no next key, several, an unknown kid or a kid not next, then promote is refused', () => {
    const { at, first } = ringInService();

    expect(promoteKey(at(20))).toEqual({ outcome: 'no_next_key' });
    const a = createKey(at(1)).kid;
    const b = createKey(at(2)).kid;
    expect(promoteKey(at(20))).toMatchObject({ outcome: 'several_next_keys' });
    expect(promoteKey(at(20), 'no-such-kid')).toEqual({
      outcome: 'unknown_kid',
      kid: 'no-such-kid',
    });
    expect(promoteKey(at(20), first, true)).toMatchObject({
      outcome: 'wrong_state',
      state: 'active',
    });
    expect(promoteKey(at(20), b)).toMatchObject({ outcome: 'promoted', kid: b });
    expect(a).not.toBe(b);
  });

  it('when a retiring key is retired before its last token has expired (JWT_ACCESS_TTL + 60 s), then it is refused; after, its file is gone', () => {
    const { dir, logs, at, first, fileOf } = ringInService();
    createKey(at(1));
    promoteKey(at(16));
    const d = fileOf(first).jwk.d;

    const early = retireKey(at(16 + 15), first);

    expect(early).toEqual({
      outcome: 'too_early',
      kid: first,
      allowedAt: new Date(START + 32 * MINUTE),
    });
    expect(reportRetire(early).text).toContain('2026-03-01T12:32:00.000Z');
    expect(readdirSync(dir)).toContain(keyFileName(first));

    expect(retireKey(at(32), first)).toEqual({ outcome: 'retired', kid: first, forced: false });
    expect(readdirSync(dir)).not.toContain(keyFileName(first));
    expect(readSigningKeyRing(dir).verifying.has(first)).toBe(false);
    expect(logs.events('jwks.key.retired').at(-1)).toMatchObject({
      kid: first,
      from: 'retiring',
      forced: false,
    });
    expect(logs.text).not.toContain(d);
  });

  it('when retire is forced early, then the key goes and the audit line says forced', () => {
    const { dir, logs, at, first } = ringInService();
    createKey(at(1));
    promoteKey(at(16));

    const outcome = retireKey(at(17), first, true);

    expect(outcome).toEqual({ outcome: 'retired', kid: first, forced: true });
    expect(reportRetire(outcome).text).toContain('--force');
    expect(readdirSync(dir)).not.toContain(keyFileName(first));
    expect(logs.events('jwks.key.retired').at(-1)).toMatchObject({ kid: first, forced: true });
  });

  it('when the active key, a next key or an unknown kid is retired, even forced, then it is refused and nothing is deleted', () => {
    const { dir, at, first } = ringInService();
    const { kid: next } = createKey(at(1));

    const active = retireKey(at(500), first, true);

    expect(active).toEqual({
      outcome: 'wrong_state',
      kid: first,
      state: 'active',
      needs: 'retiring',
    });
    expect(reportRetire(active)).toMatchObject({ exitCode: 1 });
    expect(reportRetire(active).text).toContain('active key');
    expect(retireKey(at(500), next, true)).toMatchObject({ outcome: 'wrong_state', state: 'next' });
    expect(retireKey(at(500), 'no-such-kid')).toEqual({
      outcome: 'unknown_kid',
      kid: 'no-such-kid',
    });
    expect(readdirSync(dir).sort()).toEqual([keyFileName(first), keyFileName(next)].sort());
  });

  it('when a promote was interrupted after its first write (no active key), then promoting again finishes it', () => {
    const { dir, at, first, fileOf } = ringInService();
    const { kid } = createKey(at(1));
    // The state between promote's two writes: the old key already retiring, the next one not yet active.
    promoteKey(at(16), kid);
    writeKeyFile(dir, { ...fileOf(kid), state: 'next', activatedAt: null });
    expect(() => readSigningKeyRing(dir)).toThrow(/exactly one active/);

    expect(promoteKey(at(17))).toMatchObject({ outcome: 'promoted', kid, retiringKid: undefined });

    expect(readSigningKeyRing(dir).active.kid).toBe(kid);
    expect(fileOf(first).state).toBe('retiring');
  });

  it('when listed, then each key shows its state, dates and its next step with the time it is allowed', () => {
    const { dir, at, first } = ringInService();
    const { kid } = createKey(at(1));

    const { text } = reportList(listKeys(dir), times, at(5).now);

    expect(text).toContain(`${first}  active`);
    expect(text).toContain(`${kid}  next`);
    expect(text).toContain('promote from 2026-03-01T12:16:00.000Z');
    promoteKey(at(16));
    const after = reportList(listKeys(dir), times, at(40).now).text;
    expect(after).toContain(`${first}  retiring`);
    expect(after).toContain('retire allowed now');
  });
});
