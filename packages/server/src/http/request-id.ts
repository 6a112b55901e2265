/**
 * Request ids (X-Request-Id): one per request, on its response and on every
 * log line written for it, so that one request can be followed through the
 * logs of a proxy and of semauth. An id sent by the client is kept only when
 * a trusted proxy stands in front (it then comes from the proxy, e.g. nginx's
 * `$request_id`) and it is short and plain: anything else could forge or
 * break log lines.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Config } from '../config/schema.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Letters, digits and `-_.:=+/@`, 1 to 128 of them: what request-id generators emit. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:=+/@-]{1,128}$/;

export function isSafeRequestId(value: unknown): value is string {
  return typeof value === 'string' && SAFE_REQUEST_ID.test(value);
}

/** Fastify's `genReqId`: the proxy's id when it is trusted and safe, else a new UUID. */
export function requestIdGenerator(config: Config): (req: IncomingMessage) => string {
  if (!config.trustProxy) return () => randomUUID();
  return (req) => {
    const sent = req.headers[REQUEST_ID_HEADER];
    return isSafeRequestId(sent) ? sent : randomUUID();
  };
}
