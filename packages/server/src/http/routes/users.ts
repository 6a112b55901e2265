/**
 * Semaphore's users administration (SPEC §11): GET/POST /users,
 * GET/PUT/DELETE /users/{user_id}, POST /users/{user_id}/password. Who may
 * do what is services/user-admin.ts's; what a change does is UserService's.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Actor } from '../../services/user-admin.js';
import { logoutCookies } from '../cookies.js';
import { authenticate } from '../guards/authenticate.js';
import { sameOrigin } from '../guards/same-origin.js';
import { adminUserJson, userJson, userSummaryJson } from '../presenters.js';
import { noContent } from '../reply.js';
import { clientContext, cookieSettings } from '../request-context.js';
import { ref, routeSchema } from '../schemas.js';
import { parseNewUser, parsePasswordChange, parseUserId, parseUserUpdate } from '../user-bodies.js';
import type { RouteDeps } from './deps.js';

type UserIdRoute = { Params: { user_id: string } };

/** Documentation only: the handler validates the id, after authentication (401 before 400). */
const userIdParameter = { type: 'object', properties: { user_id: { type: 'integer', minimum: 1, maximum: 2_147_483_647, description: 'User ID' } } } as const;

const USER_ERRORS = {
  400: 'A user id that is not a whole number from 1 to 2147483647, or a missing, wrongly typed or invalid field.',
  403: 'Signed in, but not allowed: another user without administrator rights, or a change nobody may make to their own account.',
  404: 'No user with this id.',
};

function actorOf(request: FastifyRequest): Actor {
  const { user, sessionId } = request.auth!;
  return sessionId === undefined ? { user } : { user, sessionId };
}

export function usersRoutes(app: FastifyInstance, { config, services }: RouteDeps): void {
  const requireUser = authenticate(services, config);
  const requireSameOrigin = sameOrigin(config, 'cookie-auth');
  const full = (u: Parameters<typeof adminUserJson>[0]) => adminUserJson(u, config.nonAdminCanCreateProject);

  app.get(
    '/users',
    {
      preHandler: [requireUser],
      schema: routeSchema({
        summary: 'Fetches all users',
        description: 'Administrators get every field; everyone else {id, username, name} of each user.',
        tags: ['user'],
        response: { 200: { type: 'array', items: { anyOf: [ref('User'), ref('UserSummary')] } } },
      }),
    },
    async (request) => {
      const directory = await services.userAdmin.list(actorOf(request));
      return directory.detail === 'full' ? directory.users.map(full) : directory.users.map(userSummaryJson);
    },
  );

  app.post(
    '/users',
    {
      preHandler: [requireUser, requireSameOrigin],
      schema: routeSchema({
        summary: 'Creates a user',
        tags: ['user'],
        'x-body': 'UserRequest',
        response: { 201: ref('User') },
        'x-errors': { 400: 'A missing, wrongly typed or invalid field.', 403: 'Only administrators create users.', 409: 'The username or e-mail is taken.' },
      }),
    },
    async (request, reply) => {
      const input = parseNewUser(request.body);
      const user = await services.userAdmin.create(actorOf(request), input, clientContext(request, config));
      return reply.code(201).send(full(user));
    },
  );

  app.get<UserIdRoute>(
    '/users/:user_id',
    {
      preHandler: [requireUser],
      schema: routeSchema({ summary: 'Fetches a user profile', tags: ['user'], 'x-params': userIdParameter, response: { 200: ref('User') }, 'x-errors': USER_ERRORS }),
    },
    async (request) => {
      const actor = actorOf(request);
      const user = await services.userAdmin.get(actor, parseUserId(request.params.user_id));
      return actor.user.admin ? full(user) : userJson(user, config.nonAdminCanCreateProject);
    },
  );

  app.put<UserIdRoute>(
    '/users/:user_id',
    {
      preHandler: [requireUser, requireSameOrigin],
      schema: routeSchema({
        summary: 'Updates user details',
        description: 'semauth: only the fields present change.',
        tags: ['user'],
        'x-params': userIdParameter,
        'x-body': 'UserPutRequest',
        'x-errors': { ...USER_ERRORS, 409: 'The username or e-mail is taken, or this would leave no enabled administrator.', 429: 'Too many wrong current passwords.' },
      }),
    },
    async (request, reply) => {
      const id = parseUserId(request.params.user_id);
      const { update, currentPassword } = parseUserUpdate(request.body);
      await services.userAdmin.update(actorOf(request), id, update, clientContext(request, config), currentPassword);
      return noContent(reply);
    },
  );

  app.delete<UserIdRoute>(
    '/users/:user_id',
    {
      preHandler: [requireUser, requireSameOrigin],
      schema: routeSchema({
        summary: 'Deletes user',
        description: "With all of the user's sessions and API tokens. Anyone may delete their own account; never the last enabled administrator.",
        tags: ['user'],
        'x-params': userIdParameter,
        'x-errors': { ...USER_ERRORS, 409: 'The last enabled administrator.' },
      }),
    },
    async (request, reply) => {
      const { self } = await services.userAdmin.delete(actorOf(request), parseUserId(request.params.user_id), clientContext(request, config));
      // Whoever deleted their own account from a browser is signed out there too, as by a logout.
      if (self && request.auth!.via === 'cookie') reply.header('set-cookie', logoutCookies(cookieSettings(request, config)));
      return noContent(reply);
    },
  );

  app.post<UserIdRoute>(
    '/users/:user_id/password',
    {
      preHandler: [requireUser, requireSameOrigin],
      schema: routeSchema({
        summary: 'Updates user password',
        description:
          "semauth: your own needs current_password, and ends your other sessions; an administrator setting someone else's ends all of theirs. API tokens stay.",
        tags: ['user'],
        'x-params': userIdParameter,
        'x-body': 'UsersUserIdPasswordPostRequest',
        'x-errors': { ...USER_ERRORS, 400: `${USER_ERRORS[400]} Also: an external (LDAP/OIDC) user, and a missing or wrong current_password.`, 429: 'Too many wrong current passwords.' },
      }),
    },
    async (request, reply) => {
      const id = parseUserId(request.params.user_id);
      const { password, currentPassword } = parsePasswordChange(request.body);
      await services.userAdmin.setPassword(actorOf(request), id, password, currentPassword, clientContext(request, config));
      return noContent(reply);
    },
  );
}
