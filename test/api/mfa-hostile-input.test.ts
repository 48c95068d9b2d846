// Hostile input to the second factor's routes (issue 22 item 5): malformed codes, bodies and mfaTokens get 400
// VALIDATION_ERROR or 401, never a 5xx, and change nothing: they burn no mfaToken and count nothing against the
// account's lock (a well-formed wrong code is a guess, and counts). The mfaToken is no Bearer and no refresh token.
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, type ErrorCode } from '../../src/errors/error-catalogue.js';
import { logIn, registerAccount } from '../helpers/accounts.js';
import { authorized, expectError, profile, refresh } from '../helpers/api-calls.js';
import {
  confirmTotp,
  disableTotp,
  loginMfa,
  mfaStatus,
  passwordStep,
  setupTotp,
  totpCode,
  wrongTotpCode,
} from '../helpers/mfa-calls.js';
import { codeStep, enrolledAccount, recoveryCodeStep } from '../helpers/mfa-sign-in.js';
import { buildTestApp, type TestApp } from '../helpers/test-app.js';

/** Enough login budget per IP for every request here: only validation and the second factor may refuse. */
const env = { RATE_LIMIT_LOGIN: '1000' };

/** What a code field receives that is not six ASCII digits in a string. */
const MALFORMED_CODES: [string, unknown][] = [
  ['letters', 'abcdef'],
  ['5 digits', '12345'],
  ['7 digits', '1234567'],
  ['a space inside', '123 456'],
  ['spaces around', ' 123456 '],
  ['a trailing newline', '123456\n'],
  ['full-width digits', '１２３４５６'],
  ['Arabic-Indic digits', '١٢٣٤٥٦'],
  ['Devanagari digits', '१२३४५६'],
  ['a JSON number', 123456],
  ['null', null],
  ['an array', ['123456']],
  ['an operator object', { $gt: '' }],
  ['a 10 kB string', '1'.repeat(10_000)],
];

/** Bodies of a route taking `code | recoveryCode` beside `valid`, each malformed in one way. */
function malformedProofBodies(valid: object): [string, object][] {
  return [
    ...MALFORMED_CODES.map(([what, code]): [string, object] => [
      `code: ${what}`,
      { ...valid, code },
    ]),
    ['recoveryCode: a number', { ...valid, recoveryCode: 1234 }],
    ['recoveryCode: an operator object', { ...valid, recoveryCode: { $ne: null } }],
    ['recoveryCode: a 10 kB string', { ...valid, recoveryCode: 'a'.repeat(10_000) }],
    ['recoveryCode: words', { ...valid, recoveryCode: 'not one of ours' }],
    ['recoveryCode: 15 characters', { ...valid, recoveryCode: 'abcd-efgh-jkmn-pqr' }],
    ['recoveryCode: letters it never holds', { ...valid, recoveryCode: 'abcd-efgh-ijkl-mnop' }],
    ['recoveryCode: empty', { ...valid, recoveryCode: '' }],
    [
      'both code and recoveryCode',
      { ...valid, code: '123456', recoveryCode: 'abcd-efgh-jkmn-pqrs' },
    ],
    ['neither', valid],
    ['an extra field', { ...valid, code: '123456', admin: true }],
  ];
}

/** Sends each body; every answer must be 400 VALIDATION_ERROR (expectError fails on anything else, a 5xx included). */
async function expectEachRefused(send: (body: object) => request.Test, bodies: [string, object][]) {
  for (const [what, body] of bodies) {
    const answer = await send(body);
    expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(400);
    expectError(answer, ErrorCodes.VALIDATION_ERROR);
  }
}

/** Nothing was counted as a failure of the second factor: no mfa.failed line at all. */
const expectNoFailureCounted = (logs: TestApp['logs']) => {
  expect(logs.events('mfa.failed')).toEqual([]);
};

describe('hostile input to the second factor', () => {
  it('when POST /login/mfa gets malformed codes and bodies, then each is 400 VALIDATION_ERROR and the same mfaToken still signs in', async () => {
    const { app, clock, logs } = buildTestApp({ env });
    const { account, enrolled } = await enrolledAccount(app, clock);
    const mfaToken = await passwordStep(app, account);

    await expectEachRefused((body) => loginMfa(app, body), malformedProofBodies({ mfaToken }));

    expectNoFailureCounted(logs);
    expect((await codeStep(app, mfaToken, totpCode(enrolled.secret, clock))).status).toBe(200);
  });

  it('when POST /mfa/totp/confirm gets malformed codes or bodies, then each is 400 VALIDATION_ERROR and the pending setup still confirms', async () => {
    const { app, clock, logs } = buildTestApp({ env });
    const account = await registerAccount(app);
    const { accessToken } = await logIn(app, account);
    const setup = await setupTotp(app, accessToken, account.password);
    const { secret } = (setup.body as { data: { secret: string } }).data;
    const send = (body: object) =>
      authorized(app, 'post', '/api/auth/mfa/totp/confirm', accessToken).send(body);

    await expectEachRefused(send, [
      ...MALFORMED_CODES.map(([what, code]): [string, object] => [what, { code }]),
      ['no code', {}],
      ['a recoveryCode beside the code', { code: totpCode(secret, clock), recoveryCode: 'x' }],
    ]);

    expectNoFailureCounted(logs);
    expect((await confirmTotp(app, accessToken, totpCode(secret, clock))).status).toBe(200);
  });

  it('when POST /mfa/totp/disable gets malformed codes and bodies with the right password, then each is 400 and the factor stays on until a right code', async () => {
    const { app, clock, logs } = buildTestApp({ env });
    const { account, enrolled } = await enrolledAccount(app, clock);
    const valid = { password: account.password };

    await expectEachRefused(
      (body) => disableTotp(app, enrolled.accessToken, body),
      malformedProofBodies(valid),
    );

    expectNoFailureCounted(logs);
    const status = await mfaStatus(app, enrolled.accessToken);
    expect((status.body as { data: { enabled: boolean } }).data.enabled).toBe(true);
    const right = { ...valid, code: totpCode(enrolled.secret, clock) };
    expect((await disableTotp(app, enrolled.accessToken, right)).status).toBe(200);
  });

  it('when the mfaToken is of the wrong type, length or shape, or a JWT, then 400 VALIDATION_ERROR or 401 MFA_TOKEN_INVALID, and the real one still works', async () => {
    const { app, clock, logs } = buildTestApp({ env });
    const { account, enrolled } = await enrolledAccount(app, clock);
    const mfaToken = await passwordStep(app, account);
    const code = totpCode(enrolled.secret, clock);
    const cases: [string, unknown, ErrorCode][] = [
      ['a number', 123, 'VALIDATION_ERROR'],
      ['null', null, 'VALIDATION_ERROR'],
      ['an array', [mfaToken], 'VALIDATION_ERROR'],
      ['an operator object', { $gt: '' }, 'VALIDATION_ERROR'],
      ['empty', '', 'VALIDATION_ERROR'],
      ['too long', `${mfaToken}${'a'.repeat(60)}`, 'VALIDATION_ERROR'],
      ['the prefix alone', 'mfa_', 'MFA_TOKEN_INVALID'],
      ['one character more', `${mfaToken}a`, 'MFA_TOKEN_INVALID'],
      ['one character less', mfaToken.slice(0, -1), 'MFA_TOKEN_INVALID'],
      ['another prefix', `rst_${mfaToken.slice(4)}`, 'MFA_TOKEN_INVALID'],
      ['its shape with other bytes', `mfa_${'A'.repeat(43)}`, 'MFA_TOKEN_INVALID'],
      ['upper-cased', mfaToken.toUpperCase(), 'MFA_TOKEN_INVALID'],
      ['with a space around', ` ${mfaToken}`, 'MFA_TOKEN_INVALID'],
      ['an access token (a JWT)', enrolled.accessToken, 'VALIDATION_ERROR'],
      ['a short JWT-shaped string', 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.', 'MFA_TOKEN_INVALID'],
    ];

    for (const [what, token, error] of cases) {
      const answer = await loginMfa(app, { mfaToken: token, code });
      expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).toBe(
        error === 'VALIDATION_ERROR' ? 400 : 401,
      );
      expectError(answer, error);
    }

    expectNoFailureCounted(logs);
    expect((await codeStep(app, mfaToken, code)).status).toBe(200);
  });

  it('when the mfaToken is used as a Bearer token or a refresh token, then 401 TOKEN_INVALID and 401 REFRESH_TOKEN_INVALID, and it still finishes the sign-in', async () => {
    const { app, clock } = buildTestApp({ env });
    const { account, enrolled } = await enrolledAccount(app, clock);
    const mfaToken = await passwordStep(app, account);

    expectError(await profile(app, mfaToken), ErrorCodes.TOKEN_INVALID);
    expectError(await refresh(app, mfaToken), ErrorCodes.REFRESH_TOKEN_INVALID);

    expect((await codeStep(app, mfaToken, totpCode(enrolled.secret, clock))).status).toBe(200);
  });

  it('when a well-formed wrong code or recovery code arrives, then 401 MFA_CODE_INVALID, counted as a failure: a guess is a guess', async () => {
    const { app, clock, logs } = buildTestApp({ env });
    const { account, enrolled } = await enrolledAccount(app, clock);
    const mfaToken = await passwordStep(app, account);
    const [recoveryCode = ''] = enrolled.recoveryCodes;

    const guesses = [
      await codeStep(app, mfaToken, wrongTotpCode(enrolled.secret, clock)),
      await recoveryCodeStep(app, mfaToken, 'zzzz-zzzz-zzzz-zzzz'),
      // A real code's lookup id with the wrong rest: compared against that code's hash.
      await recoveryCodeStep(app, mfaToken, `${recoveryCode.slice(0, 5)}zzzz-zzzz-zzzz`),
    ];

    for (const guess of guesses) expectError(guess, ErrorCodes.MFA_CODE_INVALID);
    expect(logs.events('mfa.failed').map((line) => line.reason)).toEqual([
      'code_invalid',
      'code_invalid',
      'code_invalid',
    ]);
  });
});
