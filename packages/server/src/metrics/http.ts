/**
 * The HTTP side of the metrics: request durations by route pattern,
 * throttled sign-ins and database errors, seen from Fastify's hooks — and
 * `GET /metrics` on the API listener when no SEMAUTH_METRICS_PORT is set.
 * Registered only when metrics are on: with them off, no hook runs.
 */
import type { FastifyInstance } from 'fastify';
import { isDatabaseError } from '../storage/kysely/errors.js';
import type { Metrics } from './registry.js';

export function registerMetrics(app: FastifyInstance, metrics: Metrics, opts: { route: string | null }): void {
  app.addHook('onResponse', (request, reply, done) => {
    // The route's pattern (`/api/user/tokens/:api_token_id`), never the URL: a
    // URL may hold a token, and every distinct URL would be a new time series.
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.observeRequest(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    if (reply.errorCode === 'TOO_MANY_ATTEMPTS') metrics.loginThrottled.inc();
    done();
  });

  app.addHook('onError', (_request, _reply, error, done) => {
    if (isDatabaseError(error)) metrics.dbErrors.inc();
    done();
  });

  if (opts.route !== null) {
    app.get(opts.route, { schema: { hide: true } as Record<string, unknown> }, async (_request, reply) => {
      const { contentType, body } = await metrics.scrape();
      return reply.type(contentType).send(body);
    });
  }
}
