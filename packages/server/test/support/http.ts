/**
 * A raw HTTP client for tests (node:http): sends exactly the headers and body
 * given — empty bodies with a JSON content type, bare Authorization values,
 * echoed Set-Cookie lines — as real Semaphore clients do.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json<T = any>(): T;
  /**
   * The `semaphore=…` pair of the Set-Cookie header named exactly `semaphore`
   * (never the web UI's `ui_semaphore` marker), ready to send back. Tests of
   * the order of Set-Cookie headers read `headers['set-cookie']` themselves.
   */
  cookie(): string;
}

export interface HttpOptions {
  /** Headers to send; an undefined value sends no such header. */
  headers?: Record<string, string | string[] | undefined>;
  /** A string or Buffer is sent as is; anything else as JSON. */
  body?: unknown;
  timeoutMs?: number;
  /** Local address to send from, e.g. another 127.0.0.x to look like another client. */
  localAddress?: string;
}

export function http(method: string, url: string, opts: HttpOptions = {}): Promise<HttpResponse> {
  const body =
    opts.body === undefined ? undefined : typeof opts.body === 'string' || Buffer.isBuffer(opts.body) ? opts.body : JSON.stringify(opts.body);
  return new Promise((resolvePromise, reject) => {
    const headers = Object.fromEntries(Object.entries(opts.headers ?? {}).filter((e): e is [string, string | string[]] => e[1] !== undefined));
    const options = { method, headers, timeout: opts.timeoutMs ?? 20_000, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) };
    const req = httpRequest(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolvePromise({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: () => JSON.parse(text),
          cookie: () => {
            const pair = (res.headers['set-cookie'] ?? []).map((line) => line.split(';')[0]!.trim()).find((p) => p.startsWith('semaphore='));
            if (!pair) throw new Error(`no semaphore cookie in ${res.statusCode} response: ${text}`);
            return pair;
          },
        });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    if (body !== undefined) req.setHeader('content-length', Buffer.byteLength(body));
    req.end(body);
  });
}

/** Logs in and returns the `semaphore=…` cookie pair. */
export async function login(api: string, auth: string, password: string, headers: Record<string, string> = {}): Promise<string> {
  const r = await http('POST', `${api}/auth/login`, { headers: { 'content-type': 'application/json', ...headers }, body: { auth, password } });
  if (r.status !== 204) throw new Error(`login failed: ${r.status} ${r.text}`);
  return r.cookie();
}

/** Creates a token with the given credentials headers and returns the whole secret. */
export async function createToken(api: string, headers: Record<string, string>, body?: unknown): Promise<string> {
  const r = await http('POST', `${api}/user/tokens`, { headers, body });
  if (r.status !== 201) throw new Error(`token creation failed: ${r.status} ${r.text}`);
  return r.json().id;
}
