/** The caller's own user (SPEC §2). */
import type { FastifyInstance } from 'fastify';
import { authenticate } from '../guards/authenticate.js';
import { userJson } from '../presenters.js';
import { ref, routeSchema } from '../schemas.js';
import type { RouteDeps } from './deps.js';

export function userRoutes(app: FastifyInstance, { config, services }: RouteDeps): void {
  app.get(
    '/user',
    { preHandler: [authenticate(services, config)], schema: routeSchema({ summary: 'Fetch logged in user', tags: ['user'], response: { 200: ref('User') } }) },
    // Synchronous: nothing to wait for, so no promise on the most frequent route.
    (request) => userJson(request.auth!.user, config.nonAdminCanCreateProject),
  );
}
