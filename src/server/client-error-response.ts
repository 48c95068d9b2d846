// Answers requests Node's HTTP parser refuses before Express sees them (oversized headers, a malformed request
// line, conflicting length headers, a request that arrives too slowly) in the API's one error shape.
import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_CATALOGUE, type ErrorCode } from '../errors/error-catalogue.js';

function codeFor(nodeErrorCode: string | undefined): ErrorCode {
  if (nodeErrorCode === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  if (nodeErrorCode === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  return 'BAD_REQUEST';
}

export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // Nothing useful can be written to a connection the client reset or that is already answering.
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const code = codeFor(error.code);
  const { status, message } = ERROR_CATALOGUE[code];
  const body = JSON.stringify({ success: false, message, error: code });
  socket.end(
    [
      `HTTP/1.1 ${String(status)} ${STATUS_CODES[status] ?? ''}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${String(Buffer.byteLength(body))}`,
      'Cache-Control: no-store',
      'X-Content-Type-Options: nosniff',
      `X-Request-Id: ${randomUUID()}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}
