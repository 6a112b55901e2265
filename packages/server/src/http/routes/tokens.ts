/** Personal API tokens: list, create, revoke (SPEC §1 "API tokens"). */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { MAX_TOKEN_ID_LENGTH, type NewTokenOptions } from '../../services/tokens.js';
import { parseRfc3339 } from '../../time.js';
import { authenticate } from '../guards/authenticate.js';
import { sameOrigin } from '../guards/same-origin.js';
import { tokenJson } from '../presenters.js';
import { noContent } from '../reply.js';
import { clientContext } from '../request-context.js';
import { ref, routeSchema } from '../schemas.js';
import type { RouteDeps } from './deps.js';

function wantsExtended(request: FastifyRequest): boolean {
  const v = (request.query as Record<string, unknown> | undefined)?.extended;
  return v === 'true' || v === '1';
}

/** Optional body of POST /user/tokens: absent, empty, {} or {name, expires_at}. */
function parseTokenOptions(body: unknown): { options: NewTokenOptions; optedIn: boolean } {
  if (body === undefined || body === null) return { options: {}, optedIn: false };
  if (typeof body !== 'object' || Array.isArray(body)) throw new AppError('INVALID_TOKEN_OPTIONS');
  const b = body as Record<string, unknown>;
  const has = (k: string) => Object.prototype.hasOwnProperty.call(b, k);
  const options: NewTokenOptions = {};
  if (has('name') && b.name !== null) {
    if (typeof b.name !== 'string') throw new AppError('INVALID_TOKEN_OPTIONS', '"name" must be a string.');
    options.name = b.name;
  }
  if (has('expires_at') && b.expires_at !== null && b.expires_at !== '') {
    const at = typeof b.expires_at === 'string' ? parseRfc3339(b.expires_at) : null;
    if (at === null) throw new AppError('INVALID_TOKEN_OPTIONS', '"expires_at" must be an RFC 3339 date-time such as 2027-01-31T12:00:00Z.');
    options.expiresAt = at;
  }
  return { options, optedIn: has('name') || has('expires_at') };
}

/** Documentation only: the service validates (a schema would answer 400 before the 401 of an unauthenticated request). */
const tokenIdParameter = {
  type: 'string',
  description:
    'The whole token, or the 8-character id that GET /user/tokens lists; percent-encoded or raw. Revoking a token already revoked answers 204 again.',
} as const;

const extendedQuery = {
  type: 'object',
  properties: { extended: { type: 'string', enum: ['true', 'false', '1', '0'], description: "semauth: 'true' adds name, expires_at and last_used_at" } },
} as const;

export function tokenRoutes(app: FastifyInstance, { config, services }: RouteDeps): void {
  const requireUser = authenticate(services, config);
  const requireSameOrigin = sameOrigin(config, 'cookie-auth');

  app.get(
    '/user/tokens',
    {
      preHandler: [requireUser],
      schema: routeSchema({ summary: 'Fetch API tokens for user', tags: ['authentication', 'user'], querystring: extendedQuery, response: { 200: { type: 'array', items: ref('APIToken') } } }),
    },
    async (request) => {
      const extended = wantsExtended(request);
      const tokens = await services.tokens.list(request.auth!.user.id);
      return tokens.map((t) => tokenJson(t, t.prefix, services.tokens.isExpired(t), extended));
    },
  );

  app.post(
    '/user/tokens',
    {
      preHandler: [requireUser, requireSameOrigin],
      schema: routeSchema({ summary: 'Create an API token', tags: ['authentication', 'user'], querystring: extendedQuery, 'x-body': 'TokenOptions', response: { 201: ref('APIToken') } }),
    },
    async (request, reply) => {
      const { options, optedIn } = parseTokenOptions(request.body);
      const user = request.auth!.user;
      const { secret, record } = await services.tokens.create(user, options, clientContext(request, config));
      // The whole secret is in this body, and only here: no cache may keep it.
      return reply.code(201).send(tokenJson(record, secret, false, optedIn || wantsExtended(request)));
    },
  );

  app.delete<{ Params: { api_token_id: string } }>(
    '/user/tokens/:api_token_id',
    {
      preHandler: [requireUser, requireSameOrigin],
      schema: routeSchema({
        summary: 'Expires API token',
        tags: ['authentication', 'user'],
        querystring: extendedQuery,
        params: { type: 'object', properties: { api_token_id: tokenIdParameter } },
        'x-errors': {
          400: `Malformed id: empty, longer than ${MAX_TOKEN_ID_LENGTH} characters, or holding a character outside [A-Za-z0-9._~=+/-] once percent-decoded.`,
          404: "None of the caller's tokens matches (also any id semauth never issues): clients read it as already gone.",
          409: "The 8-character id matches more than one of the caller's live tokens: send the whole token.",
        },
      }),
    },
    async (request, reply) => {
      // The router has percent-decoded the id; the service judges it (400 vs 404).
      await services.tokens.revoke(request.auth!.user, request.params.api_token_id, clientContext(request, config));
      return noContent(reply);
    },
  );
}
