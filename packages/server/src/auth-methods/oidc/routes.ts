/**
 * The OIDC routes (SPEC §9), registered only when `oidc_providers` names at
 * least one provider. A browser follows them, so every answer is a `307`:
 *
 *   GET /auth/oidc/{provider}/login[?redirect=/path]   → the provider's authorization endpoint
 *   GET /auth/oidc/{provider}/redirect[/{path}]        → the provider's callback: signed in, to
 *                                                        `<web root>/path` (or the web root)
 *
 * and every failure — an unknown provider included — a `307` to the sign-in
 * page, `<web root>/auth/login?error=<reason>` (Semaphore's address for it,
 * and the web UI's), never a JSON error, a stack trace or a 5xx page.
 * Cookies are set here and nowhere in the service: the session cookie exactly
 * as a password login sets it, and the sign-in's state cookie.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../config/schema.js';
import { clearedOidcStateCookie, loginCookies, OIDC_STATE_COOKIE_NAME, oidcStateCookie, readCookie } from '../../http/cookies.js';
import { clientContext, cookieSettings, isSecureRequest, ownOrigin } from '../../http/request-context.js';
import { routeSchema } from '../../http/schemas.js';
import type { OidcProviderConfig } from './config.js';
import { OidcFailure, type FailureReason } from './failures.js';
import { sameSitePath } from './return-path.js';
import type { OidcService } from './service.js';

type ProviderParams = { provider: string };

/** The callback path of a provider below the API prefix, as the routes serve it. */
function callbackPath(id: string): string {
  return `/auth/oidc/${id}/redirect`;
}

export function oidcRoutes(api: FastifyInstance, { config, oidc }: { config: Config; oidc: OidcService }): void {
  const apiPrefix = `${config.webRoot.prefix}/api`;
  const schema = (summary: string) => routeSchema({ summary, tags: ['authentication'], security: [], hide: true });

  /** Where the provider sends the browser back: `redirect_url`, or derived from the web root (or this request's origin). */
  const redirectUri = (request: FastifyRequest, provider: OidcProviderConfig): string => {
    if (provider.redirectUrl !== null) return provider.redirectUrl;
    const origin = ownOrigin(request, config);
    if (origin === null) throw new OidcFailure('oidc_failed', { why: 'the request names no usable host: set redirect_url or web_host' });
    return `${origin}${apiPrefix}${callbackPath(provider.id)}`;
  };
  /** The state cookie's path: the callback's path as the browser will request it. */
  const statePath = (provider: OidcProviderConfig | undefined, providerId: string): string =>
    provider?.redirectUrl ? new URL(provider.redirectUrl).pathname : `${apiPrefix}${callbackPath(encodeURIComponent(providerId))}`;

  const toLoginPage = (request: FastifyRequest, reply: FastifyReply, e: unknown): FastifyReply => {
    let reason: FailureReason = 'oidc_failed';
    if (e instanceof OidcFailure) reason = e.reason;
    else request.log.error({ err: e }, 'OIDC sign-in failed on this server');
    return redirect(reply, `${config.webRoot.prefix}/auth/login?error=${reason}`);
  };

  api.get<{ Params: ProviderParams; Querystring: { redirect?: unknown } }>(
    '/auth/oidc/:provider/login',
    { schema: schema('Starts an OIDC sign-in (a browser redirect to the provider)') },
    async (request, reply) => {
      try {
        const provider = oidc.provider(request.params.provider);
        const returnTo = parseReturnTo(request.query.redirect);
        const begun = await oidc.begin(provider.id, redirectUri(request, provider), returnTo, request.log);
        const { value, path, maxAgeSeconds } = begun.stateCookie;
        reply.header('set-cookie', oidcStateCookie(value, path, maxAgeSeconds, isSecureRequest(request, config)));
        return await redirect(reply, begun.authorizationUrl);
      } catch (e) {
        // The service logged what it knows of a provider that failed; a refused request is noted here.
        if (e instanceof OidcFailure && e.reason !== 'oidc_unavailable') request.log.warn({ oidc: request.params.provider, reason: e.reason }, `OIDC sign-in not started: ${e.message}`);
        return toLoginPage(request, reply, e);
      }
    },
  );

  const callback = async (request: FastifyRequest<{ Params: ProviderParams & { '*'?: string } }>, reply: FastifyReply) => {
    const providerId = request.params.provider;
    const secure = isSecureRequest(request, config);
    // Cleared whatever happens: a state is good for one callback.
    const clearState = clearedOidcStateCookie(statePath(oidc.lookup(providerId), providerId), secure);
    reply.header('referrer-policy', 'no-referrer');
    try {
      const callbackPath = parseReturnTo(request.params['*'] ? `/${request.params['*']}` : undefined);
      const q = request.url.indexOf('?');
      const query = q < 0 ? '' : request.url.slice(q + 1);
      const stateCookie = readCookie(request.headers.cookie, OIDC_STATE_COOKIE_NAME);
      const done = await oidc.complete(providerId, { query, callbackPath, stateCookie }, clientContext(request, config));
      // The cookies of a login exactly as POST /auth/login sets them (the session cookie first), then the state cleared.
      reply.header('set-cookie', [...loginCookies(done.session.cookieValue, done.session.maxAgeSeconds, cookieSettings(request, config)), clearState]);
      return await redirect(reply, `${config.webRoot.prefix}${done.returnTo ?? '/'}`);
    } catch (e) {
      reply.header('set-cookie', clearState);
      return toLoginPage(request, reply, e);
    }
  };
  api.get('/auth/oidc/:provider/redirect', { schema: schema('The OIDC provider\'s callback') }, callback);
  api.get('/auth/oidc/:provider/redirect/*', { schema: schema('The OIDC provider\'s callback, with the path to return to') }, callback);
}

/** `?redirect=` or the callback's `{path}`: absent or empty → the web root; anything but one same-site path → refused. */
function parseReturnTo(raw: unknown): string | null {
  if (raw === undefined || raw === '') return null;
  const path = typeof raw === 'string' ? sameSitePath(raw) : null;
  if (path === null) throw new OidcFailure('oidc_redirect');
  return path;
}

function redirect(reply: FastifyReply, location: string): FastifyReply {
  return reply.redirect(location, 307);
}
