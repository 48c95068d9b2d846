// Racing second steps (DESIGN section 11): requests fired at once, as a client retrying or an attacker with a stolen
// code would, still spend each code and each mfaToken once, and never check more than 10 wrong codes in a window.
import type request from 'supertest';
import { describe, expect, it } from 'vitest';
import { ErrorCodes } from '../../src/errors/error-catalogue.js';
import { expectError } from '../helpers/api-calls.js';
import { mfaStatus, passwordStep, totpCode, wrongTotpCode } from '../helpers/mfa-calls.js';
import {
  codeStep,
  enrolledAccount,
  mfaTokens,
  passwordStepAnswer,
  recoveryCodeStep,
  sendWrongCodes,
  signedInData,
  signInWithCode,
} from '../helpers/mfa-sign-in.js';
import { holdingHasher } from '../helpers/holding-hasher.js';
import { buildRecoveryTestApp, expectExactlyOneUse } from '../helpers/recovery-app.js';
import { buildTestApp } from '../helpers/test-app.js';

/** Enough login budget per IP for every request here: only the second factor's rules may refuse. */
const env = { RATE_LIMIT_LOGIN: '1000' };

const statusesOf = (answers: request.Response[]) =>
  answers.map((answer) => answer.status).sort((a, b) => a - b);

describe('racing second steps', () => {
  it('when one right code arrives on 10 mfaTokens at once, then exactly one signs in and the rest are 401 MFA_CODE_INVALID', async () => {
    const { app, clock } = buildTestApp({ env });
    const { account, enrolled } = await enrolledAccount(app, clock);
    const tokens = await mfaTokens(app, account, 10);
    const code = totpCode(enrolled.secret, clock);

    await expectExactlyOneUse(
      10,
      () => codeStep(app, tokens.pop() ?? '', code),
      ErrorCodes.MFA_CODE_INVALID,
    );
  });

  it('when 10 requests bring one mfaToken and the right code at once, then exactly one signs in, and the token and the step are spent', async () => {
    const { app, clock } = buildTestApp({ env });
    const { account, enrolled } = await enrolledAccount(app, clock);
    const mfaToken = await passwordStep(app, account);
    const code = totpCode(enrolled.secret, clock);

    const answers = await Promise.all(
      Array.from({ length: 10 }, () => codeStep(app, mfaToken, code)),
    );

    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const answer of answers.filter((each) => each.status !== 200)) {
      expect(['MFA_CODE_INVALID', 'MFA_TOKEN_INVALID']).toContain(
        (answer.body as { error: string }).error,
      );
      expect(answer.status).toBe(401);
    }
    expectError(await signInWithCode(app, account, code), ErrorCodes.MFA_CODE_INVALID);
    clock.advance('30s');
    expectError(
      await codeStep(app, mfaToken, totpCode(enrolled.secret, clock)),
      ErrorCodes.MFA_TOKEN_INVALID,
    );
  });

  it('when one recovery code arrives on 10 mfaTokens at once, then exactly one signs in and the rest are 401 MFA_CODE_INVALID', async () => {
    const { app, clock } = buildTestApp({ env });
    const { account, enrolled } = await enrolledAccount(app, clock);
    const tokens = await mfaTokens(app, account, 10);
    const [recoveryCode = ''] = enrolled.recoveryCodes;

    await expectExactlyOneUse(
      10,
      () => recoveryCodeStep(app, tokens.pop() ?? '', recoveryCode),
      ErrorCodes.MFA_CODE_INVALID,
    );
  });

  it('when 20 wrong codes arrive at once on fresh mfaTokens, then exactly 10 are checked (401) and the rest are 429 MFA_LOCKED, and the lock holds', async () => {
    const { app, clock, logs } = buildTestApp({ env });
    const { account, enrolled } = await enrolledAccount(app, clock);
    const tokens = await mfaTokens(app, account, 21);
    const spare = tokens.pop() ?? '';
    const wrong = wrongTotpCode(enrolled.secret, clock);

    const answers = await Promise.all(tokens.map((mfaToken) => codeStep(app, mfaToken, wrong)));

    expect(statusesOf(answers)).toEqual([
      ...Array<number>(10).fill(401),
      ...Array<number>(10).fill(429),
    ]);
    for (const answer of answers) {
      expectError(
        answer,
        answer.status === 401 ? ErrorCodes.MFA_CODE_INVALID : ErrorCodes.MFA_LOCKED,
      );
    }
    expect(logs.events('mfa.failed').filter((line) => line.reason === 'code_invalid')).toHaveLength(
      10,
    );
    expect(logs.events('mfa.locked')).toHaveLength(1);
    expectError(
      await codeStep(app, spare, totpCode(enrolled.secret, clock)),
      ErrorCodes.MFA_LOCKED,
    );
    expectError(await passwordStepAnswer(app, account), ErrorCodes.MFA_LOCKED);
  });

  it('when a right recovery code is still being checked while a wrong code takes the last slot, then the lock is announced once: one mfa.locked and one mail, not again at the real tenth failure', async () => {
    const hasher = holdingHasher();
    const testApp = await buildRecoveryTestApp({ env, hasher });
    const { app, clock, logs } = testApp;
    const { account, enrolled } = await enrolledAccount(app, clock);
    const wrong = wrongTotpCode(enrolled.secret, clock);
    const [forRight = '', ...forWrong] = await mfaTokens(app, account, 4);
    await sendWrongCodes(app, account, wrong, 8);

    // The right code holds the ninth slot while it is compared; a wrong code takes the tenth, another is refused.
    const held = hasher.holdNextVerify();
    const [recoveryCode = ''] = enrolled.recoveryCodes;
    // Sent now (then() starts a supertest request), answered once released.
    const right = recoveryCodeStep(app, forRight, recoveryCode).then((answer) => answer);
    const release = await held;
    expectError(await codeStep(app, forWrong[0] ?? '', wrong), ErrorCodes.MFA_CODE_INVALID);
    expectError(await codeStep(app, forWrong[1] ?? '', wrong), ErrorCodes.MFA_LOCKED);
    release();
    expect((await right).status).toBe(200);
    // Its slot given back, nine failures stand: the next wrong code is the tenth, and locks.
    expectError(await codeStep(app, forWrong[2] ?? '', wrong), ErrorCodes.MFA_CODE_INVALID);
    expectError(await passwordStepAnswer(app, account), ErrorCodes.MFA_LOCKED);

    await testApp.deliver();
    await testApp.receiver.waitForMail((mail) => mail.subject === 'Too many wrong sign-in codes');
    await testApp.deliver();
    expect(logs.events('mfa.locked')).toHaveLength(1);
    expect(
      testApp.receiver.mails.filter((mail) => mail.subject === 'Too many wrong sign-in codes'),
    ).toHaveLength(1);
  });
  it('when two different right recovery codes race on one mfaToken, then only the one that signs in is spent', async () => {
    const { app, clock } = buildTestApp({ env: { RATE_LIMIT_LOGIN: '1000' } });
    const { account, enrolled } = await enrolledAccount(app, clock);
    const mfaToken = await passwordStep(app, account);
    const [, first = '', second = ''] = enrolled.recoveryCodes;

    const answers = await Promise.all([
      recoveryCodeStep(app, mfaToken, first),
      recoveryCodeStep(app, mfaToken, second),
    ]);

    const winner = answers.find((answer) => answer.status === 200);
    expect(winner).toBeDefined();
    const status = await mfaStatus(app, signedInData(winner as request.Response).accessToken);
    expect(
      (status.body as { data: { recoveryCodesRemaining: number } }).data.recoveryCodesRemaining,
    ).toBe(9);
  });
});
