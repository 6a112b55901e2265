/**
 * While the server shuts down, requests that still arrive on open keep-alive
 * connections get a 503 in the usual JSON shape (with `Connection: close`),
 * so a load balancer retries them elsewhere. Requests already in flight are
 * not affected: they finish (main.ts gives them a deadline).
 */
import type { FastifyInstance } from 'fastify';
import { sendError } from './error-handler.js';

export function registerDraining(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    // Not calling done(): the answer is sent here and the route never runs.
    void sendError(reply.header('connection', 'close'), 'SHUTTING_DOWN', undefined, { 'retry-after': '1' });
  });
}
