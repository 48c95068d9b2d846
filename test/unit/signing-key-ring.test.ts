// The ES256 key ring as a directory of key files (src/keys/signing-key-ring.ts): exactly one active key or no ring,
// and a running source that keeps its ring (and says so in the log) when the directory reads badly, then takes the
// next good state on reload.
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  KeyFileError,
  keyFileName,
  newKeyFile,
  writeKeyFile,
  type SigningKeyFile,
} from '../../src/keys/signing-key-file.js';
import { createSigningKeyRingSource, readSigningKeyRing } from '../../src/keys/signing-key-ring.js';
import { createLogger } from '../../src/observability/logger.js';
import { LogCapture } from '../helpers/log-capture.js';

const NOW = new Date('2026-03-01T12:00:00.000Z');

function keysDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'auth-key-ring-'));
  onTestFinished(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

function addKey(dir: string, state: SigningKeyFile['state']): SigningKeyFile {
  const file = { ...newKeyFile(NOW), state };
  writeKeyFile(dir, file);
  return file;
}

describe('reading the key ring', () => {
  it('when the directory does not exist, then the ring is refused with a KeyFileError naming it and the next step', () => {
    const missing = join(tmpdir(), 'auth-keys-never-created', 'keys');

    expect(() => readSigningKeyRing(missing)).toThrow(KeyFileError);
    expect(() => readSigningKeyRing(missing)).toThrow(
      /keys: does not exist.*npm run keys -- create/,
    );
  });

  it('when the directory has one active, one next and one retiring key, then the active signs, active and retiring verify, all three are published', () => {
    const dir = keysDir();
    const active = addKey(dir, 'active');
    const next = addKey(dir, 'next');
    const retiring = addKey(dir, 'retiring');

    const ring = readSigningKeyRing(dir);

    expect(ring.active.kid).toBe(active.kid);
    expect([...ring.verifying.keys()].sort()).toEqual([active.kid, retiring.kid].sort());
    expect(ring.published.map((key) => key.kid).sort()).toEqual(
      [active.kid, next.kid, retiring.kid].sort(),
    );
  });

  it.each([
    ['no active key', ['next', 'retiring'], 0],
    ['two active keys', ['active', 'active'], 2],
  ] as const)(
    'when the directory has %s, then it is refused, naming the directory',
    (_, states, count) => {
      const dir = keysDir();
      for (const state of states) addKey(dir, state);

      expect(() => readSigningKeyRing(dir)).toThrow(KeyFileError);
      expect(() => readSigningKeyRing(dir)).toThrow(
        `${dir}: needs exactly one active key, has ${String(count)}`,
      );
    },
  );
});

describe('the key ring source of a running server', () => {
  function openSource() {
    const dir = keysDir();
    const active = addKey(dir, 'active');
    const logs = new LogCapture();
    const source = createSigningKeyRingSource(
      dir,
      createLogger({ level: 'debug', destination: logs.stream }),
    );
    onTestFinished(() => {
      source.close();
    });
    return { dir, active, logs, source };
  }

  it('when a group-readable key file appears, then reload keeps the old ring and logs an error naming the file', () => {
    const { dir, active, logs, source } = openSource();
    const bad = addKey(dir, 'next');
    chmodSync(join(dir, keyFileName(bad.kid)), 0o640);

    source.reload();

    expect(source.current().active.kid).toBe(active.kid);
    expect(source.current().published.map((key) => key.kid)).toEqual([active.kid]);
    const error = logs.lines.find((line) => line.level === 'error');
    expect(error).toMatchObject({
      msg: 'signing keys not reloaded; the previous ones stay in use',
      activeKid: active.kid,
    });
    expect(JSON.stringify(error)).toContain(keyFileName(bad.kid));
  });

  it('when a second key is made active beside the first, then reload keeps the old ring', () => {
    const { dir, active, source } = openSource();
    addKey(dir, 'active');

    source.reload();

    expect(source.current().active.kid).toBe(active.kid);
  });

  it('when the bad file is fixed and a promotion written, then the next reload takes the new ring', () => {
    const { dir, active, logs, source } = openSource();
    const next = addKey(dir, 'next');
    chmodSync(join(dir, keyFileName(next.kid)), 0o644);
    source.reload();
    chmodSync(join(dir, keyFileName(next.kid)), 0o600);

    const activeFile = JSON.parse(
      readFileSync(join(dir, keyFileName(active.kid)), 'utf8'),
    ) as SigningKeyFile;
    writeKeyFile(dir, { ...activeFile, state: 'retiring', retiredAt: NOW.toISOString() });
    writeKeyFile(dir, { ...next, state: 'active', activatedAt: NOW.toISOString() });
    source.reload();

    expect(source.current().active.kid).toBe(next.kid);
    expect([...source.current().verifying.keys()].sort()).toEqual([active.kid, next.kid].sort());
    expect(logs.lines.at(-1)).toMatchObject({ level: 'info', msg: 'signing keys reloaded' });
  });
});
