/**
 * The caller's own sessions (SPEC §11): where they are signed in, and ending
 * one or all but the current one — on every instance at once, since the
 * revocation goes through the store (and the caches that follow it).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { logoutCookies } from '../cookies.js';
import { authenticate } from '../guards/authenticate.js';
import { sameOrigin } from '../guards/same-origin.js';
import { sessionJson } from '../presenters.js';
import { noContent } from '../reply.js';
import { clientContext, cookieSettings } from '../request-context.js';
import { ref, routeSchema } from '../schemas.js';
import type { RouteDeps } from './deps.js';

/** Documentation only: the service judges the id (any id that is not one of the caller's live sessions is 404). */
const sessionIdParameter = { type: 'object', properties: { session_id: { type: 'string', description: 'A session id from GET /user/sessions.' } } } as const;

export function sessionRoutes(app: FastifyInstance, { config, services }: RouteDeps): void {
  const requireUser = authenticate(services, config);
  const requireSameOrigin = sameOrigin(config, 'cookie-auth');

  app.get(
    '/user/sessions',
    {
      preHandler: [requireUser],
      schema: routeSchema({
        summary: 'Fetch the sessions of the logged in user',
        description: 'Live sessions only, newest first; `current` marks the one this request came with (none with an API token).',
        tags: ['user'],
        response: { 200: { type: 'array', items: ref('Session') } },
      }),
    },
    async (request) => {
      const { user, sessionId } = request.auth!;
      return (await services.sessions.listLive(user.id)).map((s) => ({ ...sessionJson(s), current: s.id === sessionId }));
    },
  );

  app.delete(
    '/user/sessions',
    {
      preHandler: [requireUser, requireSameOrigin],
      schema: routeSchema({
        summary: 'Ends every other session of the logged in user',
        description: 'All but the session this request came with; with an API token, all of them.',
        tags: ['user'],
      }),
    },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const { user, sessionId } = request.auth!;
      await services.sessions.endAll(user, clientContext(request, config), sessionId, { actorId: user.id });
      return noContent(reply);
    },
  );

  app.delete<{ Params: { session_id: string } }>(
    '/user/sessions/:session_id',
    {
      preHandler: [requireUser, requireSameOrigin],
      schema: routeSchema({
        summary: 'Ends one session of the logged in user',
        description: 'Ending the session this request came with signs it out as a logout does (its cookies are cleared).',
        tags: ['user'],
        params: sessionIdParameter,
        'x-errors': { 404: 'None of your live sessions has this id.' },
      }),
    },
    async (request, reply) => {
      const { user, sessionId } = request.auth!;
      const id = request.params.session_id;
      await services.sessions.end(user, id, clientContext(request, config), { actorId: user.id });
      if (id === sessionId) reply.header('set-cookie', logoutCookies(cookieSettings(request, config)));
      return noContent(reply);
    },
  );
}
