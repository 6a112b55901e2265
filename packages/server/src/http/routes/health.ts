/**
 * Probes for supervisors and load balancers (SPEC §13): no authentication,
 * no cookies, not in the OpenAPI document (they are not Semaphore's API).
 * `/health`: the process runs and serves HTTP — never touches the database.
 * `/ready`: the database answers and its schema is current; else 503 and why.
 */
import type { FastifyInstance } from 'fastify';
import { routeSchema } from '../schemas.js';
import type { RouteDeps } from './deps.js';

const hidden = routeSchema({ hide: true });

export function healthRoutes(app: FastifyInstance, { services }: RouteDeps): void {
  app.get('/health', { schema: hidden }, async () => ({ status: 'ok' }));

  app.get('/ready', { schema: hidden }, async () => {
    await services.readiness.check();
    return { status: 'ready' };
  });
}
