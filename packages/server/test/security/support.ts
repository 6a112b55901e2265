/**
 * Helpers for the attack suites: a raw TCP client that sends any bytes
 * (CR, LF, NUL, invalid UTF-8 — what node:http refuses to send), and
 * assertions every response must satisfy.
 */
import { connect } from 'node:net';
import { expect } from 'vitest';

export interface RawResponse {
  status: number;
  /** Header lines as received, names lower-cased; repeated names keep every value. */
  headers: [string, string][];
  /** The whole head (status line and header lines) as bytes decoded as latin1. */
  head: string;
  body: Buffer;
  header(name: string): string | undefined;
  json<T = any>(): T;
}

/**
 * Sends `request` (the complete bytes of one HTTP/1.1 request, which should
 * say `Connection: close`) and reads the answer until the server closes.
 */
export function rawRequest(url: string, request: Buffer | string, timeoutMs = 10_000): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`raw request timed out after ${timeoutMs} ms`)), timeoutMs);
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', (e) => {
      clearTimeout(timer);
      // A server that answered and then reset the connection still answered.
      if (chunks.length > 0) finish();
      else reject(e);
    });
    socket.on('end', () => {
      clearTimeout(timer);
      finish();
    });
    socket.write(request);
    let done = false;
    function finish() {
      if (done) return;
      done = true;
      socket.destroy();
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (e) {
        reject(e);
      }
    }
  });
}

export function parseResponse(bytes: Buffer): RawResponse {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) throw new Error(`no complete response head in ${JSON.stringify(bytes.toString('latin1').slice(0, 200))}`);
  const head = bytes.subarray(0, end).toString('latin1');
  const [statusLine, ...lines] = head.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine!);
  if (!m) throw new Error(`bad status line ${JSON.stringify(statusLine)}`);
  const headers = lines.map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim()] as [string, string];
  });
  let body = bytes.subarray(end + 4);
  const te = headers.find(([k]) => k === 'transfer-encoding')?.[1];
  const length = headers.find(([k]) => k === 'content-length')?.[1];
  if (te && /chunked/i.test(te)) body = dechunk(body);
  // Whatever follows answers a second request that the request's own bytes smuggled in.
  else if (length !== undefined) body = body.subarray(0, Number(length));
  return {
    status: Number(m[1]),
    headers,
    head,
    body,
    header: (name) => headers.find(([k]) => k === name.toLowerCase())?.[1],
    json: () => JSON.parse(body.toString('utf8')),
  };
}

function dechunk(b: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = b.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = Number.parseInt(b.subarray(i, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(b.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Builds request bytes; `head` values are written exactly as given (any bytes). */
export function buildRequest(method: string, target: string, headers: [string, string | Buffer][], body?: Buffer | string): Buffer {
  const parts: Buffer[] = [Buffer.from(`${method} ${target} HTTP/1.1\r\n`, 'latin1')];
  const names = new Set(headers.map(([k]) => k.toLowerCase()));
  const all: [string, string | Buffer][] = [...headers];
  if (!names.has('host')) all.unshift(['Host', '127.0.0.1']);
  if (!names.has('connection')) all.push(['Connection', 'close']);
  const payload = body === undefined ? undefined : Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  if (payload !== undefined && !names.has('content-length') && !names.has('transfer-encoding')) all.push(['Content-Length', String(payload.length)]);
  for (const [k, v] of all) parts.push(Buffer.from(`${k}: `, 'latin1'), Buffer.isBuffer(v) ? v : Buffer.from(v, 'latin1'), Buffer.from('\r\n'));
  parts.push(Buffer.from('\r\n'));
  if (payload) parts.push(payload);
  return Buffer.concat(parts);
}

/** What every answer of the service must look like, whatever was sent. */
export function expectWellFormedAnswer(r: RawResponse, what: string): void {
  expect(r.status, `${what}: ${r.head}`).toBeGreaterThanOrEqual(200);
  expect(r.status, `${what}: ${r.head}\n${r.body.toString('utf8').slice(0, 300)}`).toBeLessThan(500);
  expectNoInjectedHeaders(r, what);
}

/** No response header carries a control character, and no header beyond the ones the service sets. */
export function expectNoInjectedHeaders(r: RawResponse, what: string): void {
  for (const [name, value] of r.headers) {
    expect(/[\u0000-\u001f\u007f]/.test(name + value), `${what}: control character in header ${JSON.stringify([name, value])}`).toBe(false);
    expect(KNOWN_RESPONSE_HEADERS.has(name), `${what}: unexpected response header ${JSON.stringify(name)}: ${JSON.stringify(value)}`).toBe(true);
  }
}

/** Every header name semauth (Fastify, Node) ever answers with. */
export const KNOWN_RESPONSE_HEADERS = new Set([
  'content-type',
  'content-length',
  'cache-control',
  'set-cookie',
  'retry-after',
  'allow', // on 405s
  'date',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'x-request-id',
]);

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
