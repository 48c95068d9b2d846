// Starting the real process in production with ES256 access tokens (DESIGN section 10): production never creates a
// key of its own (each instance must sign with a key every other one publishes), so a key directory that is missing,
// empty, readable by others or with two active keys stops the start with a message naming the directory or file.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { keyFileName, newKeyFile, writeKeyFile } from '../../src/keys/signing-key-file.js';
import { productionEnv } from '../helpers/production-env.js';
import { spawnServer, startServer } from '../helpers/server-process.js';

const NOW = new Date();

function keysDir(...states: Array<'next' | 'active' | 'retiring'>): string {
  const root = mkdtempSync(join(tmpdir(), 'auth-es256-start-'));
  onTestFinished(() => {
    rmSync(root, { recursive: true, force: true });
  });
  const dir = join(root, 'keys');
  mkdirSync(dir, { mode: 0o700 });
  for (const state of states) {
    const file = newKeyFile(NOW);
    writeKeyFile(dir, {
      ...file,
      state,
      activatedAt: state === 'next' ? null : NOW.toISOString(),
    });
  }
  return dir;
}

const es256 = (keys: Record<string, string | undefined>) =>
  productionEnv({ JWT_ACCESS_ALG: 'ES256', ...keys });

/** Runs the server to its exit and returns its fatal log line (as text), having checked it never listened. */
async function refusal(env: NodeJS.ProcessEnv): Promise<string> {
  const server = spawnServer(env);

  expect(await server.exited).toBe(1);
  expect(server.lines().find((line) => line.msg === 'listening')).toBeUndefined();
  const fatal = server.lines().find((line) => line.level === 'fatal');
  expect(fatal, server.stderr()).toBeDefined();
  return JSON.stringify(fatal);
}

describe('starting in production with JWT_ACCESS_ALG=ES256', () => {
  it('when the key directory holds one active key, then it starts and publishes it', async () => {
    const server = await startServer(es256({ JWT_KEYS_DIR: keysDir('active', 'next') }));

    // Production answers only over HTTPS: here, behind the trusted proxy that says so.
    const answer = await fetch(`${server.baseUrl}/.well-known/jwks.json`, {
      headers: { 'X-Forwarded-Proto': 'https' },
    });
    const set = (await answer.json()) as { keys?: unknown[] };

    expect(set.keys).toHaveLength(2);
  });

  it('when JWT_KEYS_DIR is not set and the default ./data/keys does not exist, then it refuses, naming the directory', async () => {
    const fatal = await refusal(es256({ JWT_KEYS_DIR: undefined }));

    expect(fatal).toContain('cannot use the signing keys in JWT_KEYS_DIR; not starting');
    expect(fatal).toContain('data/keys');
  });

  it('when the key directory is empty, then it refuses, naming the directory, and creates no key', async () => {
    const dir = keysDir();

    const fatal = await refusal(es256({ JWT_KEYS_DIR: dir }));

    expect(fatal).toContain(`${dir}: needs exactly one active key, has 0`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('when a key file is readable by others, then it refuses, naming the file', async () => {
    const dir = keysDir('active');
    const file = newKeyFile(NOW);
    const path = writeKeyFile(dir, file);
    chmodSync(path, 0o644);

    const fatal = await refusal(es256({ JWT_KEYS_DIR: dir }));

    expect(fatal).toContain(
      `${join(dir, keyFileName(file.kid))}: is readable or writable by group or others`,
    );
  });

  it('when two keys are active, then it refuses, naming the directory', async () => {
    const dir = keysDir('active', 'active');

    const fatal = await refusal(es256({ JWT_KEYS_DIR: dir }));

    expect(fatal).toContain(`${dir}: needs exactly one active key, has 2`);
  });
});
