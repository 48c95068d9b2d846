// TOTP (src/mfa/totp.ts) against otplib's own codes at chosen moments: one 30-second step either side is accepted and
// named, two steps are not, and nothing but six ASCII digits is ever compared. The otpauth URI carries what an
// authenticator app needs.
import fc from 'fast-check';
import { generateSync } from 'otplib';
import { describe, expect, it } from 'vitest';
import {
  matchTotpCode,
  newTotpSecret,
  otpauthUri,
  TOTP_PERIOD_SECONDS,
  totpStepAt,
} from '../../src/mfa/totp.js';

/** 10 s into a step, so a step either side is a whole period away. */
const NOW_MS = Date.parse('2026-03-01T12:00:10.000Z');
const STEP = totpStepAt(NOW_MS);
const codeAtStep = (secret: string, step: number) =>
  generateSync({ secret, epoch: step * TOTP_PERIOD_SECONDS });

describe('newTotpSecret', () => {
  it('when a secret is made, then it is 20 random bytes in base32, a new one each time', () => {
    const secrets = Array.from({ length: 20 }, newTotpSecret);

    for (const secret of secrets) expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(new Set(secrets).size).toBe(20);
  });
});

describe('matchTotpCode', () => {
  it('when the code is of the current step or one either side, then it matches and names that step', () => {
    const secret = newTotpSecret();

    for (const step of [STEP - 1, STEP, STEP + 1]) {
      expect(matchTotpCode(secret, codeAtStep(secret, step), NOW_MS), String(step)).toBe(step);
    }
  });

  it('when the code is two steps or more away, then it does not match', () => {
    const secret = newTotpSecret();
    const near = new Set([STEP - 1, STEP, STEP + 1].map((step) => codeAtStep(secret, step)));

    for (const step of [STEP - 3, STEP - 2, STEP + 2, STEP + 3]) {
      const code = codeAtStep(secret, step);
      // A six-digit code can repeat by chance; only a code no nearby step shows must be refused.
      if (near.has(code)) continue;
      expect(matchTotpCode(secret, code, NOW_MS), String(step)).toBeUndefined();
    }
  });

  it('when the code is of another secret, then it does not match', () => {
    const secret = newTotpSecret();
    const other = newTotpSecret();
    const code = codeAtStep(other, STEP);
    const ownCodes = [STEP - 1, STEP, STEP + 1].map((step) => codeAtStep(secret, step));

    if (!ownCodes.includes(code)) expect(matchTotpCode(secret, code, NOW_MS)).toBeUndefined();
  });

  it('when the right code comes with anything but six ASCII digits, then it does not match', () => {
    const secret = newTotpSecret();
    const code = codeAtStep(secret, STEP);
    const arabicIndic = Array.from(code, (digit) => String.fromCharCode(0x0660 + Number(digit)));
    const fullWidth = Array.from(code, (digit) => String.fromCharCode(0xff10 + Number(digit)));
    const forms = [
      ` ${code}`,
      `${code} `,
      `${code}\n`,
      `${code.slice(0, 3)} ${code.slice(3)}`,
      `${code}0`,
      `0${code}`,
      code.slice(1),
      arabicIndic.join(''),
      fullWidth.join(''),
      `+${code.slice(1)}`,
      '',
    ];

    expect(matchTotpCode(secret, code, NOW_MS)).toBe(STEP);
    for (const form of forms) expect(matchTotpCode(secret, form, NOW_MS), form).toBeUndefined();
  });

  it('when any string is offered, then matching never throws and only six ASCII digits can match', () => {
    const secret = newTotpSecret();
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (typed) => {
        const step = matchTotpCode(secret, typed, NOW_MS);
        if (step !== undefined) expect(typed).toMatch(/^[0-9]{6}$/);
      }),
    );
  });
});

describe('otpauthUri', () => {
  it('when a URI is made, then it names the issuer and account and carries the secret with SHA1, 6 digits, 30 s', () => {
    const secret = newTotpSecret();

    const uri = new URL(otpauthUri(secret, 'Acme Co', 'ann+mfa@example.com'));

    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Acme Co:ann+mfa@example.com');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Acme Co');
    // Absent means the apps' defaults, which are these.
    expect((uri.searchParams.get('algorithm') ?? 'SHA1').toUpperCase()).toBe('SHA1');
    expect(uri.searchParams.get('digits') ?? '6').toBe('6');
    expect(uri.searchParams.get('period') ?? '30').toBe('30');
  });
});
