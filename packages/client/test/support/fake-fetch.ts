/**
 * A scripted stand-in for `fetch`, passed through `Configuration({ fetch })`.
 * It records exactly what the SDK asked for, which is what these unit tests
 * are about: request shaping and response mapping, not the server.
 */
export interface RecordedCall {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
  credentials: RequestInit['credentials'];
  redirect: RequestInit['redirect'];
  signal: AbortSignal | undefined;
  /** `this` the SDK called fetch with; must be undefined (browsers demand it). */
  thisArg: unknown;
}

export type Responder = (call: RecordedCall) => Response | Promise<Response>;

export interface FakeFetch {
  fetch: typeof fetch;
  calls: RecordedCall[];
  /** The only call made; fails the test when there were more or fewer. */
  only(): RecordedCall;
}

export function fakeFetch(...responders: Responder[]): FakeFetch {
  const calls: RecordedCall[] = [];
  const fetchFn = async function (this: unknown, input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const call: RecordedCall = {
      url: String(input),
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
      credentials: init.credentials,
      redirect: init.redirect,
      signal: init.signal ?? undefined,
      thisArg: this,
    };
    calls.push(call);
    const responder = responders[Math.min(calls.length - 1, responders.length - 1)];
    if (responder === undefined) throw new Error('fakeFetch: no responder scripted');
    return responder(call);
  } as typeof fetch;
  return {
    fetch: fetchFn,
    calls,
    only() {
      if (calls.length !== 1) throw new Error(`expected exactly one fetch call, got ${calls.length}`);
      return calls[0]!;
    },
  };
}

/** A JSON response with semauth's exact content type. */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Responder {
  return () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', ...headers },
    });
}

/** An empty response (204s), optionally with headers such as Set-Cookie. */
export function empty(status = 204, headers: HeadersInit = {}): Responder {
  return () => new Response(null, { status, headers });
}

/** A plain-text response. */
export function text(status: number, body: string): Responder {
  return () => new Response(body, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}

/** Never answers until the request's signal aborts (then rejects like fetch). */
export function hang(): Responder {
  return (call) =>
    new Promise<Response>((_, reject) => {
      call.signal?.addEventListener('abort', () => reject(call.signal?.reason), { once: true });
    });
}

/** Never answers and ignores the signal: a badly behaved custom fetch. */
export function hangDeaf(): Responder {
  return () => new Promise<Response>(() => {});
}

export const TOKEN = {
  id: 'kwofd61g93-yuqvex8efmhjkgnbxlo8mp1tin6spyhu=',
  created: '2026-11-27T17:32:36Z',
  expired: false,
  user_id: 1,
  name: 'ci',
  expires_at: null,
  last_used_at: null,
};
