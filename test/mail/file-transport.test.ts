// The file transport of development: each mail an .eml file that parses back to what was sent, private to its
// owner, named in the log by its path while its content (address, subject, link) stays out of the log.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFileTransport } from '../../src/mail/file-transport.js';
import type { MailMessage } from '../../src/mail/mail-message.js';
import { createLogger } from '../../src/observability/logger.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { LogCapture } from '../helpers/log-capture.js';

const TOKEN = 'rst_Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eA';
const message: MailMessage = {
  kind: 'password_reset',
  to: 'alice@example.com',
  subject: 'Reset your password',
  text: `Open https://app.example.com/reset-password#token=${TOKEN} to choose a new password.`,
};

let root: string;
let dir: string;
let logs: LogCapture;
const clock = new FakeClock();

function transport() {
  const logger = createLogger({ level: 'info', destination: logs.stream });
  return createFileTransport({ dir, from: 'auth-api <no-reply@localhost>', clock, logger });
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'auth-api-mail-'));
  dir = join(root, 'data', 'mail');
  logs = new LogCapture();
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the file transport', () => {
  it('when a mail is sent, then one .eml file named by time and id parses back to it, and a .txt beside it reads as written', async () => {
    const mailId = randomUUID();

    await transport().send(message, { mailId });

    const files = await readdir(dir);
    expect(files.sort()).toEqual([
      `2026-03-01T12-00-00.000Z-${mailId}.eml`,
      `2026-03-01T12-00-00.000Z-${mailId}.txt`,
    ]);
    const readable = await readFile(join(dir, files[1] ?? ''), 'utf8');
    expect(readable).toBe(`To: alice@example.com\nSubject: ${message.subject}\n\n${message.text}`);
    const parsed = await simpleParser(await readFile(join(dir, files[0] ?? '')));
    expect(parsed.subject).toBe(message.subject);
    expect(parsed.text?.trim()).toBe(message.text);
    expect(parsed.messageId).toBe(`<${mailId}@localhost>`);
    expect([parsed.to].flat().flatMap((to) => to?.value.map((entry) => entry.address))).toEqual([
      'alice@example.com',
    ]);
  });

  it('when the folder is missing, then it is created private (0700) and each file is its owner’s only (0600)', async () => {
    const mailId = randomUUID();

    await transport().send(message, { mailId });

    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    for (const file of await readdir(dir)) {
      expect((await stat(join(dir, file))).mode & 0o777).toBe(0o600);
    }
  });

  it('when a mail is written, then the log names the file, the id and the kind, and none of the content', async () => {
    const mailId = randomUUID();

    await transport().send(message, { mailId });

    const [file, textFile] = (await readdir(dir)).sort();
    expect(logs.lines).toEqual([
      expect.objectContaining({
        level: 'info',
        msg: 'mail written to a file',
        mailId,
        kind: 'password_reset',
        file: join(dir, file ?? ''),
        textFile: join(dir, textFile ?? ''),
      }),
    ]);
    for (const content of [TOKEN, 'alice', 'Reset your password', 'reset-password']) {
      expect(logs.text).not.toContain(content);
    }
  });

  it('when two mails are sent in one millisecond, then each has its own file', async () => {
    const sender = transport();

    await sender.send(message, { mailId: randomUUID() });
    await sender.send({ ...message, subject: 'Second' }, { mailId: randomUUID() });

    expect(await readdir(dir)).toHaveLength(4);
  });

  it('when the folder cannot be made, then the send fails, and a later one succeeds once it can', async () => {
    await writeFile(join(root, 'data'), 'a file where the folder should be');
    const sender = transport();

    await expect(sender.send(message, { mailId: randomUUID() })).rejects.toMatchObject({
      code: expect.stringMatching(/^E/) as unknown,
    });

    await rm(join(root, 'data'));
    await sender.send(message, { mailId: randomUUID() });
    expect(await readdir(dir)).toHaveLength(2);
  });
});
