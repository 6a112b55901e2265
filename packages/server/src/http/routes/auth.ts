/** Login metadata, login and logout (SPEC §1, §2). */
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors.js';
import { loginCookies, logoutCookies, readSessionCookie } from '../cookies.js';
import { sameOrigin } from '../guards/same-origin.js';
import { noContent } from '../reply.js';
import { clientContext, cookieSettings } from '../request-context.js';
import { ref, routeSchema } from '../schemas.js';
import type { RouteDeps } from './deps.js';

function parseLoginBody(body: unknown): { auth: string; password: string } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError('INVALID_LOGIN_BODY');
  const { auth, password } = body as Record<string, unknown>;
  if (typeof auth !== 'string' || auth.trim() === '' || typeof password !== 'string' || password === '') {
    throw new AppError('INVALID_LOGIN_BODY');
  }
  return { auth: auth.trim(), password };
}

export function authRoutes(app: FastifyInstance, { config, services }: RouteDeps): void {
  app.get(
    '/auth/login',
    { schema: routeSchema({ summary: 'Fetches login metadata', tags: ['authentication'], security: [], response: { 200: ref('LoginMetadata') } }) },
    async () => ({
      oidc_providers: services.oidc?.listing() ?? [],
      login_with_password: !config.passwordLoginDisabled,
      auth_methods: { totp: services.totp.loginOptions() },
    }),
  );

  app.post(
    '/auth/login',
    {
      preHandler: [sameOrigin(config, 'always')],
      schema: routeSchema({ summary: 'Performs Login', tags: ['authentication'], security: [], 'x-body': 'Login' }),
    },
    async (request, reply) => {
      const { auth, password } = parseLoginBody(request.body);
      const { session } = await services.login.login(auth, password, clientContext(request, config));
      reply.header('set-cookie', loginCookies(session.cookieValue, session.maxAgeSeconds, cookieSettings(request, config)));
      return noContent(reply);
    },
  );

  app.post(
    '/auth/logout',
    { preHandler: [sameOrigin(config, 'unless-bearer')], schema: routeSchema({ summary: 'Destroys current session', tags: ['authentication'] }) },
    async (request, reply) => {
      // Ends the cookie's session only: a bearer token is not revoked by logout.
      await services.login.logout(readSessionCookie(request.headers.cookie), clientContext(request, config));
      reply.header('set-cookie', logoutCookies(cookieSettings(request, config)));
      return noContent(reply);
    },
  );
}
