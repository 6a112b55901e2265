/**
 * While the server shuts down: requests that still arrive on open keep-alive
 * connections get a 503 in the usual JSON shape, so a load balancer retries
 * them elsewhere; and every answer sent from then on — those of the requests
 * in flight included — carries `Connection: close`, so that each connection
 * ends with its last answer instead of idling until the shutdown deadline.
 * Requests in flight are not cut short: they finish (main.ts gives them a
 * deadline).
 */
import type { FastifyInstance } from 'fastify';
import { sendError } from './error-handler.js';

export interface DrainState {
  readonly closing: boolean;
}

export function registerDraining(app: FastifyInstance): DrainState {
  const state = { closing: false };
  app.addHook('preClose', (done) => {
    state.closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!state.closing) return done();
    // Not calling done(): the answer is sent here and the route never runs.
    void sendError(reply, 'SHUTTING_DOWN', undefined, { 'retry-after': '1' });
  });
  return state;
}
