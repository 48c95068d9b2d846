// The process delivers mail by itself: main.ts runs the outbox worker with the configured transport. Production
// settings, SMTP to an in-process receiver; a mail server that is down at first costs the request nothing, and the
// mail goes once it is back. Development with no mail settings writes .eml and .txt files under ./data/mail.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { productionEnv } from '../helpers/production-env.js';
import { post, startServer } from '../helpers/server-process.js';
import { SmtpReceiver } from '../helpers/smtp-receiver.js';

const account = { email: 'mail@example.com', password: 'Courier-pigeon-77!', name: 'Mail Reader' };
let running: Awaited<ReturnType<typeof startServer>> | undefined;

afterEach(async () => {
  running?.child.kill('SIGTERM');
  await running?.exited;
  running = undefined;
});

describe('mail delivery by the server process', () => {
  it('when the SMTP server is down at first, then forgot answers 202 at once and the link arrives once it is up', async () => {
    const receiver = await SmtpReceiver.start();
    await receiver.stop();
    running = await startServer(
      productionEnv({
        ALLOW_INSECURE_HTTP: 'true',
        TRUST_PROXY: 'false',
        SMTP_URL: receiver.url,
        MAIL_RETRY_DELAY: '1s',
        BCRYPT_ROUNDS: '10',
      }),
    );
    expect((await post(running.baseUrl, '/api/auth/register', account).reply).status).toBe(201);

    const answer = await post(running.baseUrl, '/api/auth/password/forgot', {
      email: account.email,
    }).reply;
    expect(answer.status).toBe(202);
    await running.waitForLine((line) => line.msg === 'mail not sent; it will be retried');

    await receiver.restart();
    const mail = await receiver.waitForMail(
      (received) => received.subject === 'Reset your password',
      15_000,
    );
    expect(mail.to).toEqual([account.email]);
    expect(mail.text).toMatch(
      /https:\/\/app\.example\.com\/reset-password#token=rst_[A-Za-z0-9_-]{43}/,
    );
    expect(JSON.stringify(running.lines())).not.toMatch(/rst_[A-Za-z0-9_-]{43}/);
    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
    await receiver.stop();
  });

  it('when development has no mail settings, then the mail is written under ./data/mail as .eml and .txt', async () => {
    running = await startServer({ NODE_ENV: 'development', BCRYPT_ROUNDS: '10' });
    expect((await post(running.baseUrl, '/api/auth/register', account).reply).status).toBe(201);

    expect(
      (await post(running.baseUrl, '/api/auth/password/forgot', { email: account.email }).reply)
        .status,
    ).toBe(202);
    const written = await running.waitForLine(
      (line) => line.msg === 'mail written to a file' && line.kind === 'password_reset',
      15_000,
    );

    const dir = join(running.cwd, 'data', 'mail');
    expect(existsSync(dir)).toBe(true);
    const [file, textFile] = [String(written.file), String(written.textFile)];
    expect(readdirSync(dir)).toEqual(
      expect.arrayContaining([file.split('/').at(-1), textFile.split('/').at(-1)]),
    );
    const text = readFileSync(join(running.cwd, textFile), 'utf8');
    expect(text).toMatch(/http:\/\/localhost:\d+\/reset-password#token=rst_[A-Za-z0-9_-]{43}/);
    expect(readFileSync(join(running.cwd, file), 'utf8')).toContain('Subject: Reset your password');
  });
});
