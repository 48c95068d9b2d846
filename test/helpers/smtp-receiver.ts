// An SMTP server in the test process (smtp-server), so mail is tested as it really leaves: over a socket, through
// nodemailer's SMTP client, parsed back with mailparser. It can refuse (a reply code at connect or at RCPT) or go
// away and come back on the same port, to play a mail server that is down.
import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  /** The recipients the client gave at RCPT TO. */
  envelopeTo: string[];
  /** The addresses of the To header. */
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string | false;
  messageId: string | undefined;
  headers: ParsedMail['headers'];
}

type Refusal = { at: 'connect' | 'rcpt'; code: number } | undefined;

/** Bigger than any mail of ours, small enough that a runaway body is refused. */
const SIZE_LIMIT_BYTES = 256 * 1024;

const addressesOf = (field: AddressObject | AddressObject[] | undefined) =>
  [field ?? []]
    .flat()
    .flatMap((object) => object.value.map((entry) => entry.address ?? ''))
    .filter((address) => address !== '');

/** An error smtp-server answers with the given reply code. */
const reply = (code: number, text: string) =>
  Object.assign(new Error(text), { responseCode: code });

export class SmtpReceiver {
  readonly mails: ReceivedMail[] = [];
  private server: SMTPServer | undefined;
  private refusal: Refusal;
  private readonly waiters = new Set<() => void>();

  private constructor(private listeningPort: number) {}

  /** A receiver on 127.0.0.1 at an ephemeral port (or `port`), listening when this resolves. */
  static async start(port = 0): Promise<SmtpReceiver> {
    const receiver = new SmtpReceiver(port);
    await receiver.listen();
    return receiver;
  }

  get port(): number {
    return this.listeningPort;
  }

  /** For SMTP_URL: plain SMTP, no authentication. */
  get url(): string {
    return `smtp://127.0.0.1:${String(this.listeningPort)}`;
  }

  /** Every connection from now on is answered with `code` (421: service not available) and closed. */
  refuseConnections(code = 421): void {
    this.refusal = { at: 'connect', code };
  }

  /** Every recipient from now on is refused with `code` (550: no such mailbox, a permanent refusal). */
  refuseRecipients(code = 550): void {
    this.refusal = { at: 'rcpt', code };
  }

  /** Accepts mail again after a refusal. */
  accept(): void {
    this.refusal = undefined;
  }

  /** Resolves with the first mail (received already or later) that `predicate` accepts; rejects after `timeoutMs`. */
  waitForMail(predicate: (mail: ReceivedMail) => boolean = () => true, timeoutMs = 5000) {
    return new Promise<ReceivedMail>((resolve, reject) => {
      const check = () => {
        const mail = this.mails.find(predicate);
        if (mail === undefined) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(mail);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(
          new Error(
            `no matching mail within ${String(timeoutMs)} ms (${String(this.mails.length)} received)`,
          ),
        );
      }, timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  /** Stops listening: connections are refused (ECONNREFUSED) until restart(). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server === undefined) return;
    await new Promise<void>((resolve) => {
      server.close(resolve);
    });
  }

  /** Listens again on the same port, so the SMTP_URL the app holds works again. */
  async restart(): Promise<void> {
    await this.stop();
    await this.listen();
  }

  private async listen(): Promise<void> {
    const server = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS', 'AUTH'],
      authOptional: true,
      size: SIZE_LIMIT_BYTES,
      logger: false,
      // close() waits for open connections this long: a test's stop() should not.
      closeTimeout: 500,
      onConnect: (_session, callback) => {
        const refusal = this.refusal;
        callback(refusal?.at === 'connect' ? reply(refusal.code, 'Service not available') : null);
      },
      onRcptTo: (_address, _session, callback) => {
        const refusal = this.refusal;
        callback(refusal?.at === 'rcpt' ? reply(refusal.code, 'Mailbox unavailable') : null);
      },
      onData: (stream, session, callback) => {
        this.receive(stream, session).then(
          () => {
            callback(stream.sizeExceeded ? reply(552, 'Message too big') : null);
          },
          (error: unknown) => {
            callback(error instanceof Error ? error : new Error(String(error)));
          },
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listeningPort, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => {
      // A client that drops its connection: the test sees what matters through `mails`.
    });
    this.listeningPort = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  private async receive(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> {
    const parsed = await simpleParser(stream);
    if (stream.sizeExceeded) return;
    this.mails.push({
      envelopeTo: session.envelope.rcptTo.map((recipient) => recipient.address),
      to: addressesOf(parsed.to),
      from: addressesOf(parsed.from)[0] ?? '',
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: parsed.html ?? false,
      messageId: parsed.messageId,
      headers: parsed.headers,
    });
    for (const waiter of [...this.waiters]) waiter();
  }
}
