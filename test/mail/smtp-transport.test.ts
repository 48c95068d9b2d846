// The SMTP transport against a real SMTP server in the test process: what arrives is what was sent, and a server
// that refuses or is gone fails the send with an error the worker can record without any of the mail's content.
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MailMessage } from '../../src/mail/mail-message.js';
import type { MailTransport } from '../../src/mail/mail-transport.js';
import { describeSendFailure } from '../../src/mail/send-failure.js';
import { createSmtpTransport } from '../../src/mail/smtp-transport.js';
import { SmtpReceiver } from '../helpers/smtp-receiver.js';

const message: MailMessage = {
  kind: 'password_reset',
  to: 'alice@example.com',
  subject: 'Réinitialiser votre mot de passe',
  text: 'Open https://app.example.com/reset-password#token=rst_abc to choose a new password.',
  html: '<p>Open <a href="https://app.example.com/reset-password#token=rst_abc">the link</a>.</p>',
};

let receiver: SmtpReceiver;
let transport: MailTransport;

beforeEach(async () => {
  receiver = await SmtpReceiver.start();
  transport = createSmtpTransport({ url: receiver.url, from: 'Example <no-reply@example.com>' });
});

afterEach(async () => {
  await transport.close();
  await receiver.stop();
});

/** The error a send rejects with. */
async function failureOf(send: Promise<void>): Promise<unknown> {
  try {
    await send;
  } catch (error) {
    return error;
  }
  throw new Error('the send succeeded');
}

describe('the SMTP transport', () => {
  it('when a mail is sent, then the server receives its recipient, sender, subject and bodies intact', async () => {
    const mailId = randomUUID();

    await transport.send(message, { mailId });

    const received = await receiver.waitForMail();
    expect(received).toMatchObject({
      envelopeTo: ['alice@example.com'],
      to: ['alice@example.com'],
      from: 'no-reply@example.com',
      subject: message.subject,
      messageId: `<${mailId}@example.com>`,
    });
    expect(received.text.trim()).toBe(message.text);
    expect(received.html).toContain('href="https://app.example.com/reset-password#token=rst_abc"');
    expect(received.headers.get('auto-submitted')).toBe('auto-generated');
    expect(receiver.mails).toHaveLength(1);
  });

  it('when the server answers the connection with 421, then the send fails with that reply code, not permanent', async () => {
    receiver.refuseConnections(421);

    const error = await failureOf(transport.send(message, { mailId: randomUUID() }));

    expect(error).toMatchObject({ responseCode: 421 });
    expect(describeSendFailure(error)).toMatchObject({ recipientRefused: false });
    expect(describeSendFailure(error).description).toMatch(/421/);
    expect(receiver.mails).toEqual([]);
  });

  it('when the server is gone, then the send fails with the refused connection', async () => {
    await receiver.stop();

    const error = await failureOf(transport.send(message, { mailId: randomUUID() }));

    expect(describeSendFailure(error)).toEqual({
      description: 'ESOCKET ECONNREFUSED CONN',
      recipientRefused: false,
    });
  });

  it('when the server refuses the recipient for good (550), then the failure says so and quotes no address', async () => {
    receiver.refuseRecipients(550);

    const error = await failureOf(transport.send(message, { mailId: randomUUID() }));

    expect(describeSendFailure(error)).toEqual({
      description: 'EENVELOPE 550 RCPT TO',
      recipientRefused: true,
    });
  });

  it('when the server refuses the recipient for now (450), then the mail is worth retrying', async () => {
    receiver.refuseRecipients(450);

    const error = await failureOf(transport.send(message, { mailId: randomUUID() }));

    expect(describeSendFailure(error)).toEqual({
      description: 'EENVELOPE 450 RCPT TO',
      recipientRefused: false,
    });
  });

  it('when the send is cancelled, then it fails as aborted and nothing arrives', async () => {
    const error = await failureOf(
      transport.send(message, { mailId: randomUUID(), signal: AbortSignal.abort() }),
    );

    expect(describeSendFailure(error).description).toMatch(/^EABORT/);
    expect(receiver.mails).toEqual([]);
  });

  it('when the server comes back on its port, then the next send arrives', async () => {
    await receiver.stop();
    await failureOf(transport.send(message, { mailId: randomUUID() }));

    await receiver.restart();
    await transport.send(message, { mailId: randomUUID() });

    expect((await receiver.waitForMail()).subject).toBe(message.subject);
  });

  it('when a server accepts the connection but never greets, then the send ends at the greeting timeout (SMTP_URL can set it)', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const impatient = createSmtpTransport({
      url: `smtp://127.0.0.1:${String(port)}?greetingTimeout=200`,
      from: 'no-reply@example.com',
    });

    const error = await failureOf(impatient.send(message, { mailId: randomUUID() }));

    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
    expect(error).toMatchObject({ code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' });
    expect(describeSendFailure(error)).toEqual({
      description: 'ETIMEDOUT CONN',
      recipientRefused: false,
    });
  });

  it('when the mail id is not an outbox id, then nothing is sent', async () => {
    await expect(transport.send(message, { mailId: '../../etc/passwd' })).rejects.toThrow(
      /mail id/,
    );
    expect(receiver.mails).toEqual([]);
  });
});
