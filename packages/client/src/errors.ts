/**
 * Thrown when the server answered, but not with a success: every non-2xx
 * status, and also a 2xx whose body is not the JSON the operation promises.
 *
 * The message never contains the request URL, because a `DELETE` by whole
 * token carries the secret token in its path.
 */
export class ApiException extends Error {
  override readonly name = 'ApiException';
  /** HTTP status code, e.g. `401`. */
  readonly status: number;
  /**
   * The response body: the parsed JSON when the response's content type is
   * JSON (semauth and Semaphore send `{"error": "…"}`), otherwise the text
   * (`''` when there was no body).
   */
  readonly body: unknown;
  /** The response headers, e.g. `Retry-After` on a `429`. */
  readonly headers: Headers;
  /** The SDK method that failed, e.g. `"authLoginPost"`. */
  readonly operation: string;

  constructor(init: {
    status: number;
    body: unknown;
    headers: Headers;
    operation: string;
    message?: string;
  }) {
    super(init.message ?? describeFailure(init.operation, init.status, init.body));
    this.status = init.status;
    this.body = init.body;
    this.headers = init.headers;
    this.operation = init.operation;
  }
}

/**
 * Thrown when no HTTP response arrived: connection refused, DNS failure, TLS
 * error, connection reset while reading the body. The transport's own error
 * is kept as `cause` (in Node, `cause.cause.code` is e.g. `ECONNREFUSED`).
 */
export class NetworkError extends Error {
  override readonly name: string = 'NetworkError';
  /** The SDK method that failed, e.g. `"userTokensGet"`. */
  readonly operation: string;

  constructor(operation: string, message: string, options?: { cause?: unknown }) {
    super(`${operation} failed: ${message}`, options);
    this.operation = operation;
  }
}

/**
 * Thrown when `Configuration.timeoutMs` elapsed before the response (body
 * included) was read. A subclass of {@link NetworkError} because, to the
 * caller, both mean "no usable answer; retrying may help" — catch
 * `NetworkError` to handle both, or `TimeoutError` for timeouts alone.
 *
 * Aborting through your own `AbortSignal` is not a timeout: the call rejects
 * with the signal's `reason` (by default a `DOMException` named
 * `AbortError`), exactly as `fetch` does.
 */
export class TimeoutError extends NetworkError {
  override readonly name: string = 'TimeoutError';
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(operation: string, timeoutMs: number, options?: { cause?: unknown }) {
    super(operation, `no response within ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

// No reason phrase: HTTP/2 has none, so it would make messages inconsistent.
function describeFailure(operation: string, status: number, body: unknown): string {
  const head = `${operation} failed: HTTP ${status}`;
  const detail = serverMessage(body);
  return detail === undefined ? head : `${head}: ${detail}`;
}

/** The human sentence of Semaphore's `{"error": "…"}` error shape, if present. */
function serverMessage(body: unknown): string | undefined {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = (body as { error: unknown }).error;
    if (typeof error === 'string' && error !== '') return error;
  }
  if (typeof body === 'string' && body !== '') return body.length > 200 ? `${body.slice(0, 200)}…` : body;
  return undefined;
}
