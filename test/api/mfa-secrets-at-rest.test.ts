// Where the second factor's secrets end up (DESIGN section 11, issue 22 point 4): the TOTP secret, the recovery codes
// and the mfaToken are nowhere in clear after enrolment: not in the SQLite file or its WAL, not in any answer, not in
// the logs. Read from the real bytes of a file database, the real answers and the captured log lines.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { derivedSealingKey } from '../../src/sealing/sealed-box.js';
import { logIn, registerAccount } from '../helpers/accounts.js';
import { expectError, refresh } from '../helpers/api-calls.js';
import {
  enrolTotp,
  loginMfa,
  mfaStatus,
  nextTotpCode,
  passwordStep,
  totpCode,
  wrongTotpCode,
} from '../helpers/mfa-calls.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** The bytes a base32 secret (RFC 4648, no padding) stands for. */
function base32Bytes(text: string): Buffer {
  const bits = Array.from(text, (char) => BASE32.indexOf(char).toString(2).padStart(5, '0')).join(
    '',
  );
  const bytes = bits.match(/.{8}/g) ?? [];
  return Buffer.from(bytes.map((byte) => parseInt(byte, 2)));
}

/** Every way a secret could be written down: base32 in either case, its raw bytes, as hex and base64. */
function secretForms(secret: string): { texts: string[]; raw: Buffer } {
  const raw = base32Bytes(secret);
  return {
    raw,
    texts: [
      secret,
      secret.toLowerCase(),
      raw.toString('hex'),
      raw.toString('hex').toUpperCase(),
      raw.toString('base64'),
      raw.toString('base64url'),
    ],
  };
}

/** A recovery code as shown, upper-cased, and as it is hashed (no dashes). */
const recoveryCodeForms = (code: string) => [
  code,
  code.toUpperCase(),
  code.replace(/-/g, ''),
  code.replace(/-/g, '').toUpperCase(),
];

/** A six-digit code standing alone (not part of a longer number such as a timestamp). */
const standingAlone = (code: string) => new RegExp(`(?<![0-9])${code}(?![0-9])`);

/** Every file in the directory (the database, its -wal and -shm), as bytes. */
const filesOf = (dir: string) =>
  readdirSync(dir).map((name) => ({ name, bytes: readFileSync(join(dir, name)) }));

function fileDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'auth-mfa-at-rest-'));
  const db = new Database(join(dir, 'auth.db'));
  db.pragma('journal_mode = WAL');
  onTestFinished(() => {
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { dir, db };
}

const mfaKeyId = (testApp: TestApp) =>
  derivedSealingKey(Buffer.from(testApp.config.mfa.keys.current, 'base64url'), 'mfa').id;

describe('the second factor at rest, in answers and in logs', () => {
  it('when a user enrols and signs in with a code and a recovery code, then no secret, code or mfaToken is in the file, the WAL, an answer or a log line', async () => {
    const { dir, db } = fileDatabase();
    const testApp = buildTestApp({ db });
    const { app, clock, logs } = testApp;
    const account = await registerAccount(app);
    const first = await logIn(app, account);
    const enrolled = await enrolTotp(app, clock, account, first.accessToken);
    const totpCodes: string[] = [];
    const mfaTokens: string[] = [];
    const answers: string[] = [];
    const keep = <T extends request.Response>(answer: T) => {
      answers.push(answer.text);
      return answer;
    };

    answers.push((await mfaStatus(app, enrolled.accessToken)).text);
    mfaTokens.push(await passwordStep(app, account));
    const wrong = wrongTotpCode(enrolled.secret, clock);
    totpCodes.push(wrong);
    expectError(
      keep(await loginMfa(app, { mfaToken: mfaTokens[0], code: wrong })),
      'MFA_CODE_INVALID',
    );
    totpCodes.push(nextTotpCode(enrolled.secret, clock));
    const withCode = keep(await loginMfa(app, { mfaToken: mfaTokens[0], code: totpCodes[1] }));
    expect(withCode.status).toBe(200);
    mfaTokens.push(await passwordStep(app, account));
    const withRecovery = keep(
      await loginMfa(app, { mfaToken: mfaTokens[1], recoveryCode: enrolled.recoveryCodes[0] }),
    );
    expect(withRecovery.status).toBe(200);
    const { refreshToken } = (withRecovery.body as { data: { refreshToken: string } }).data;
    expect(keep(await refresh(app, refreshToken)).status).toBe(200);
    answers.push((await mfaStatus(app, enrolled.accessToken)).text);
    // The password step's answers carried the mfaTokens: everything else must not.
    const login = await request(app)
      .post('/api/auth/login')
      .send({ email: account.email, password: account.password });
    expect(JSON.stringify(login.body)).not.toContain(enrolled.secret);

    const { texts: secretTexts, raw: rawSecret } = secretForms(enrolled.secret);
    const codeTexts = enrolled.recoveryCodes.flatMap(recoveryCodeForms);
    const stored = await testApp.stores.mfa.findFactor(account.id);
    expect(stored?.sealedSecret.startsWith(`v1.${mfaKeyId(testApp)}.`)).toBe(true);

    const checkFiles = (when: string) => {
      const files = filesOf(dir);
      expect(files.map((file) => file.name)).toContain('auth.db');
      for (const { name, bytes } of files) {
        const text = bytes.toString('latin1');
        for (const form of [...secretTexts, ...codeTexts, ...mfaTokens]) {
          expect(text, `${when}: ${name} holds ${form}`).not.toContain(form);
        }
        expect(bytes.includes(rawSecret), `${when}: ${name} holds the raw secret`).toBe(false);
      }
      return files;
    };
    // While the app runs, the latest writes sit in the WAL; after close they are in the file.
    const open = checkFiles('open');
    expect(open.find((file) => file.name === 'auth.db-wal')?.bytes.length ?? 0).toBeGreaterThan(0);
    expect(
      open.some((file) => file.bytes.toString('latin1').includes(stored?.sealedSecret ?? '-')),
    ).toBe(true);
    db.close();
    checkFiles('closed');

    for (const answer of answers) {
      for (const form of [...secretTexts, ...codeTexts]) expect(answer).not.toContain(form);
      for (const code of totpCodes) expect(answer).not.toMatch(standingAlone(code));
    }
    const logText = logs.text;
    for (const form of [...secretTexts, ...codeTexts, ...mfaTokens]) {
      expect(logText).not.toContain(form);
    }
    for (const code of [...totpCodes]) expect(logText).not.toMatch(standingAlone(code));
    for (const event of ['mfa.setup_started', 'mfa.enabled', 'mfa.challenged']) {
      expect(logs.events(event).length, event).toBeGreaterThan(0);
    }
    expect(logs.events('login.success')).toEqual(
      expect.arrayContaining([expect.objectContaining({ amr: ['pwd', 'otp'] })]),
    );
    expect(logs.events('mfa.recovery_code_used')).toEqual([
      expect.objectContaining({ userId: account.id, remaining: 9 }),
    ]);
  });
});

// Rotation with the old key kept as previous (and resealing) is test/api/mfa-key-rotation.test.ts.
describe('MFA_ENCRYPTION_KEY without the key that sealed a factor', () => {
  const newKey = () => randomBytes(32).toString('base64url');

  /** An app under key A with an enrolled account, and what another app over the same stores needs. */
  async function enrolledUnder(key: string) {
    const before = buildTestApp({ env: { MFA_ENCRYPTION_KEY: key } });
    const account = await registerAccount(before.app);
    const first = await logIn(before.app, account);
    const enrolled = await enrolTotp(before.app, before.clock, account, first.accessToken);
    return { before, account, secret: enrolled.secret };
  }

  it('when the app runs with key B alone, then a factor sealed under A answers 500 at every try, never a wrong code or a lock', async () => {
    const keyA = newKey();
    const { before, account, secret } = await enrolledUnder(keyA);
    const onlyB = buildTestApp({
      env: { MFA_ENCRYPTION_KEY: newKey(), RATE_LIMIT_LOGIN: '100' },
      sharedStores: before.stores,
    });
    const mfaToken = await passwordStep(onlyB.app, account);

    // More tries than the lock (10) and the mfaToken (5) take: none is counted as a wrong code.
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const answer = await loginMfa(onlyB.app, {
        mfaToken,
        code: totpCode(secret, onlyB.clock, 30),
      });
      expect(answer.status, `try ${String(attempt)}`).toBe(500);
      expectError(answer, 'INTERNAL_ERROR');
    }

    expect(onlyB.logs.events('mfa.failed')).toEqual([]);
    expect(onlyB.logs.events('mfa.locked')).toEqual([]);
    // The owner is not locked out: with the old key back, the same mfaToken finishes.
    const restored = buildTestApp({
      env: { MFA_ENCRYPTION_KEY: keyA },
      sharedStores: before.stores,
    });
    const answer = await loginMfa(restored.app, {
      mfaToken,
      code: nextTotpCode(secret, restored.clock),
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  });
});
