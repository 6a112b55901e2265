/**
 * Maps every failure to a JSON `{"error", "code"}` answer: AppErrors by the
 * catalogue, Fastify's own 4xx errors by their status, a lost database to 503,
 * anything else to a 500 that reveals nothing (and is logged).
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, ERRORS, errorBody, type ErrorCode } from '../errors.js';
import { isUnavailable } from '../storage/kysely/errors.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_BODY',
  FST_ERR_BAD_URL: 'BAD_REQUEST',
};

declare module 'fastify' {
  interface FastifyReply {
    /** The catalogue code of an error answer, for the request's log line and metrics; null otherwise. */
    errorCode: ErrorCode | null;
  }
}

export function sendError(reply: FastifyReply, code: ErrorCode, message?: string, headers: Record<string, string> = {}) {
  reply.errorCode = code;
  return reply.code(ERRORS[code].status).headers(headers).type('application/json').send(errorBody(code, message));
}

export function handleError(error: FastifyError | AppError | Error, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) {
    // A 5xx the service explained (e.g. "not ready"): the operator needs what caused it.
    if (error.status >= 500 && error.cause !== undefined) {
      const cause = error.cause as { code?: unknown; message?: unknown };
      request.log.warn({ err: { code: cause.code, message: cause.message } }, error.message);
    }
    return sendError(reply, error.code, error.message, error.headers);
  }
  const fe = error as FastifyError;
  if (fe.validation) return sendError(reply, 'BAD_REQUEST', `Invalid request: ${fe.message}`);
  const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
  if (mapped) return sendError(reply, mapped);
  if (isUnavailable(error)) {
    request.log.warn({ err: { code: fe.code, message: fe.message } }, 'database unavailable');
    return sendError(reply, 'DATABASE_UNAVAILABLE', undefined, { 'retry-after': '1' });
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own status, the catalogue's BAD_REQUEST body.
    reply.errorCode = 'BAD_REQUEST';
    return reply.code(fe.statusCode).type('application/json').send(errorBody('BAD_REQUEST'));
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendError(reply, 'INTERNAL');
}

/** Whether a request path fits a route pattern such as `/api/user/tokens/:api_token_id`. */
function fits(pattern: string, path: string): boolean {
  const want = pattern.split('/');
  const got = path.split('/');
  return want.length === got.length && want.every((part, i) => (part.startsWith(':') ? got[i] !== '' : part === got[i]));
}

/** The methods routes serve at `path`, or undefined when no route has that path. */
function methodsAt(knownPaths: ReadonlyMap<string, ReadonlySet<string>>, path: string): ReadonlySet<string> | undefined {
  const exact = knownPaths.get(path);
  if (exact) return exact;
  for (const [pattern, methods] of knownPaths) if (pattern.includes('/:') && fits(pattern, path)) return methods;
  return undefined;
}

/**
 * `knownPaths` (route path → methods served) is filled as routes register;
 * it is read only when a request matches none.
 */
export function registerErrorHandling(app: FastifyInstance, knownPaths: ReadonlyMap<string, ReadonlySet<string>>) {
  app.decorateReply('errorCode', null);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    // Spelt as the router matches it: doubled slashes collapsed, trailing ones ignored.
    const path = (request.url.split('?')[0] ?? '').replace(/\/{2,}/g, '/').replace(/\/+$/, '');
    const methods = methodsAt(knownPaths, path);
    // A path we serve, with a method we do not: say so, and which ones it takes (RFC 9110 §15.5.6).
    // With a method it takes, a route found nothing there (a web UI asset that does not exist): 404.
    if (methods && !methods.has(request.method)) {
      return sendError(reply, 'METHOD_NOT_ALLOWED', undefined, { allow: [...methods].sort().join(', ') });
    }
    return sendError(reply, 'ROUTE_NOT_FOUND');
  });
}
