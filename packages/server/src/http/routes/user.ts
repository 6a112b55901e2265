/** The caller's own user (SPEC §2). */
import type { FastifyInstance } from 'fastify';
import { authenticate } from '../guards/authenticate.js';
import { userJson } from '../presenters.js';
import { ref, routeSchema } from '../schemas.js';
import type { RouteDeps } from './deps.js';

export function userRoutes(app: FastifyInstance, { config, services }: RouteDeps): void {
  app.get(
    '/user',
    // Also for a session the TOTP policy holds to setting TOTP up: the page that does it reads who is signed in.
    { preHandler: [authenticate(services, config, 'enrolment')], schema: routeSchema({ summary: 'Fetch logged in user', tags: ['user'], response: { 200: ref('User') } }) },
    // Synchronous: nothing to wait for, so no promise on the most frequent route.
    (request) => userJson(request.auth!.user, config.nonAdminCanCreateProject),
  );
}
