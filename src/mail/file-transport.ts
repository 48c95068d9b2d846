// Development's zero-setup transport: each mail becomes an .eml file under MAIL_DIR (./data/mail), so a fresh clone
// can follow a reset link with no mail server, and a .txt beside it with the text as written (the .eml wraps a long
// link in quoted-printable, which a text editor shows mangled). The files hold live links: the folder is created
// private (0700) and each file readable by its owner only (0600). The log names the files, never what is in them.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Clock } from '../clock.js';
import type { Logger } from '../observability/logger.js';
import type { MailTransport } from './mail-transport.js';
import { nodemailerMessage } from './nodemailer-message.js';

export interface FileTransportOptions {
  /** MAIL_DIR. Created (0700) if missing; an existing folder keeps the mode its owner gave it. */
  dir: string;
  from: string;
  clock: Clock;
  logger: Logger;
}

export function createFileTransport({
  dir,
  from,
  clock,
  logger,
}: FileTransportOptions): MailTransport {
  // nodemailer's stream transport renders the RFC 5322 message (CRLF lines, as on the wire) into a Buffer.
  const composer = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  let folderReady: Promise<unknown> | undefined;

  return {
    async send(message, { mailId }) {
      const rendered = await composer.sendMail(nodemailerMessage(message, mailId, from));
      folderReady ??= mkdir(dir, { recursive: true, mode: 0o700 });
      await folderReady.catch((error: unknown) => {
        folderReady = undefined;
        throw error;
      });
      // Sorts by time; the id keeps two mails of one millisecond apart. 'wx': never over another file.
      const stamp = new Date(clock.now()).toISOString().replaceAll(':', '-');
      const file = join(dir, `${stamp}-${mailId}.eml`);
      await writeFile(file, rendered.message as Buffer, { mode: 0o600, flag: 'wx' });
      const textFile = join(dir, `${stamp}-${mailId}.txt`);
      const readable = `To: ${message.to}\nSubject: ${message.subject}\n\n${message.text}`;
      await writeFile(textFile, readable, { mode: 0o600, flag: 'wx' });
      logger.info({ mailId, kind: message.kind, file, textFile }, 'mail written to a file');
    },
    close() {
      composer.close();
      return Promise.resolve();
    },
  };
}
