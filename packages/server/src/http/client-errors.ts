/**
 * Errors Node's HTTP layer answers before Fastify sees a request (oversized
 * headers, malformed request lines, unknown expectations). Answered as JSON
 * like every other error.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ERRORS, errorBody, type ErrorCode } from '../errors.js';

export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const code: ErrorCode = err.code === 'HPE_HEADER_OVERFLOW' ? 'HEADERS_TOO_LARGE' : 'BAD_REQUEST';
  const body = JSON.stringify(errorBody(code));
  const reason = code === 'HEADERS_TOO_LARGE' ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${ERRORS[code].status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Cache-Control: no-store\r\nX-Request-Id: ${randomUUID()}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * Node answers an `Expect` header other than `100-continue` with a bare 417
 * of its own unless someone listens for 'checkExpectation': answer it as JSON
 * like every other error.
 */
export function expectationFailedHandler(_req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify(errorBody('EXPECTATION_FAILED'));
  res.writeHead(417, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
    'x-request-id': randomUUID(),
    connection: 'close',
  });
  res.end(body);
}
