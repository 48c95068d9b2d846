// What a failed send is recorded and logged as. Only the error's code, SMTP reply code and command: never its text,
// which may quote the server's reply and with it the recipient's address.

export interface SendFailure {
  /** Such as "ESOCKET ECONNREFUSED", "EENVELOPE 550 RCPT TO", "ETIMEDOUT CONN", "EEXIST". */
  description: string;
  /**
   * The server refused the recipient for good (a 5xx reply to RCPT TO other than 503): sending the same mail again
   * would be refused again, so it goes dead at once rather than after every retry.
   */
  recipientRefused: boolean;
}

interface TransportErrorFields {
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  command?: unknown;
  permanent?: unknown;
}

const WORD = /^[A-Z][A-Z0-9 _-]{0,31}$/;
const asWord = (value: unknown) =>
  typeof value === 'string' && WORD.test(value) ? value : undefined;

export function describeSendFailure(error: unknown): SendFailure {
  const fields: TransportErrorFields = typeof error === 'object' && error !== null ? error : {};
  const code = asWord(fields.code) ?? (error instanceof Error ? asWord(error.name) : undefined);
  const responseCode =
    typeof fields.responseCode === 'number' && Number.isInteger(fields.responseCode)
      ? String(fields.responseCode)
      : undefined;
  // nodemailer keeps the socket's own code (ECONNREFUSED under ESOCKET): the more telling of the two.
  const parts = [
    code ?? 'ERROR',
    asWord(fields.originalCode),
    responseCode,
    asWord(fields.command),
  ];
  return {
    description: parts.filter((part) => part !== undefined).join(' '),
    recipientRefused:
      fields.code === 'EENVELOPE' && fields.command === 'RCPT TO' && fields.permanent === true,
  };
}
