import type { Configuration } from './configuration.js';
import { Interrupted, withDeadline } from './deadline.js';
import { ApiException, NetworkError, TimeoutError } from './errors.js';
import { expandPath, OPERATIONS, type OperationName, type OperationSpec } from './operations.js';

/** One call of an operation: which one, and this call's values. */
export interface HttpRequest {
  /** The SDK method; its row in OPERATIONS says method, path and auth. */
  operation: OperationName;
  /** Values of the path's `{name}` placeholders, unencoded. */
  pathParams?: Record<string, string>;
  /** Serialised as JSON when present. */
  body?: unknown;
  signal?: AbortSignal | undefined;
}

/** A request with its operation's spec resolved. */
type ResolvedRequest = HttpRequest & OperationSpec;

/** A successful response. `body` is parsed according to `expect`. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

/** The status, headers and raw text of a response, before interpretation. */
interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body of a successful `png` operation, read as bytes instead of text. */
  blob?: Blob;
  /** `opaqueredirect` when a browser refused to show a manual redirect. */
  type: ResponseType;
}

/**
 * Sends one request and returns the successful response, or throws
 * `ApiException` (non-2xx, or a 2xx that is not the promised JSON),
 * `NetworkError`, `TimeoutError`, or the caller's abort reason.
 */
export async function send(configuration: Configuration, call: HttpRequest): Promise<HttpResponse> {
  const request: ResolvedRequest = { ...OPERATIONS[call.operation], ...call };
  const url = buildUrl(configuration.basePath, expandPath(request.path, call.pathParams), request.query);
  const init: RequestInit = {
    method: request.method,
    headers: buildHeaders(configuration, request),
    credentials: configuration.credentials,
    // Never auto-follow: a redirected POST /auth/login would lose its
    // Set-Cookie, and a redirect to another host would receive credentials.
    redirect: 'manual',
  };
  if (request.body !== undefined) init.body = JSON.stringify(request.body);

  const raw = await exchange(configuration, request, url, init);
  if (raw.status < 200 || raw.status > 299) {
    throw new ApiException({
      status: raw.status,
      body: parseErrorBody(raw),
      headers: raw.headers,
      operation: request.operation,
      ...(isRedirect(raw) && { message: redirectMessage(request.operation, raw.status) }),
    });
  }
  return { status: raw.status, headers: raw.headers, body: parseSuccessBody(raw, request) };
}

/** Performs the fetch and reads the whole body under the deadline. */
async function exchange(configuration: Configuration, request: ResolvedRequest, url: string, init: RequestInit): Promise<RawResponse> {
  // Called as a plain function: browsers throw "Illegal invocation" when
  // `window.fetch` runs with another object (the Configuration) as `this`.
  const fetchFn = configuration.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== 'function') {
    throw new TypeError('No fetch implementation: pass one as new Configuration({ fetch })');
  }
  try {
    return await withDeadline(configuration.timeoutMs, request.signal, async (signal) => {
      const response = await fetchFn(url, signal === undefined ? init : { ...init, signal });
      if (request.expect === 'png' && response.status >= 200 && response.status <= 299) {
        return { status: response.status, headers: response.headers, text: '', blob: await response.blob(), type: response.type };
      }
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, type: response.type };
    });
  } catch (error) {
    if (error instanceof Interrupted) {
      const why = error.interruption;
      if (why.kind === 'timeout') throw new TimeoutError(request.operation, why.timeoutMs, { cause: error.cause });
      throw why.reason;
    }
    throw new NetworkError(request.operation, describeTransportError(error), { cause: error });
  }
}

function buildUrl(basePath: string, path: string, query: Readonly<Record<string, string>> | undefined): string {
  const search = query === undefined ? '' : `?${new URLSearchParams(query).toString()}`;
  return `${basePath}${path}${search}`;
}

function buildHeaders(configuration: Configuration, request: ResolvedRequest): Headers {
  const headers = new Headers(configuration.headers);
  headers.set('Accept', request.expect === 'text' ? 'text/plain' : request.expect === 'png' ? 'image/png' : 'application/json');
  if (request.body !== undefined) headers.set('Content-Type', 'application/json');
  if (request.authenticated) {
    for (const [name, value] of Object.entries(configuration.authHeaders())) headers.set(name, value);
  }
  return headers;
}

function isRedirect(raw: RawResponse): boolean {
  return raw.type === 'opaqueredirect' || (raw.status >= 300 && raw.status <= 399);
}

/** Browsers report a manual redirect as status 0: say what happened instead. */
function redirectMessage(operation: string, status: number): string {
  return `${operation} failed: the server answered with a redirect (HTTP ${status}); check basePath`;
}

function isJson(headers: Headers): boolean {
  const mediaType = (headers.get('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/** Error bodies: parsed JSON when labelled JSON (and parseable), else text. */
function parseErrorBody(raw: RawResponse): unknown {
  if (raw.text === '' || !isJson(raw.headers)) return raw.text;
  try {
    return JSON.parse(raw.text);
  } catch {
    return raw.text;
  }
}

function parseSuccessBody(raw: RawResponse, request: ResolvedRequest): unknown {
  if (request.expect === 'nothing') return undefined;
  if (request.expect === 'text') return raw.text;
  if (request.expect === 'png') return raw.blob;
  // JSON is parsed whatever the content type says: the promise is JSON.
  try {
    return JSON.parse(raw.text);
  } catch {
    throw new ApiException({
      status: raw.status,
      body: raw.text,
      headers: raw.headers,
      operation: request.operation,
      message: `${request.operation} failed: HTTP ${raw.status} response is not JSON`,
    });
  }
}

/** `fetch failed` alone is useless; Node keeps the real reason in `cause`. */
function describeTransportError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message} (${typeof code === 'string' ? code : cause.message})`;
  }
  return error.message;
}
