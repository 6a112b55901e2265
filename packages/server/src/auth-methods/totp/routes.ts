/**
 * TOTP's routes (SPEC §10), registered only with SEMAPHORE_TOTP_ENABLED:
 * the code step of a sign-in (POST /auth/verify, /auth/recovery) and
 * enrolment under Semaphore's `/users/{user_id}/2fas/totp` (create, QR
 * code, semauth's confirm, delete). Who may ask is TotpService's; which
 * sessions get in is the guards'.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError, type ErrorCode } from '../../errors.js';
import { authenticate, codeStepSession } from '../../http/guards/authenticate.js';
import { sameOrigin } from '../../http/guards/same-origin.js';
import { noContent } from '../../http/reply.js';
import { clientContext } from '../../http/request-context.js';
import type { RouteDeps } from '../../http/routes/deps.js';
import { ref, routeSchema } from '../../http/schemas.js';
import { parseUserId } from '../../http/user-bodies.js';

type UserRoute = { Params: { user_id: string } };
type TotpRoute = { Params: { user_id: string; totp_id: string } };

const MAX_ID = 2_147_483_647;
/** Longest passcode or recovery code looked at: longer ones are no code at all. */
const MAX_CODE_LENGTH = 64;

const userIdParameter = { type: 'integer', minimum: 1, maximum: MAX_ID, description: 'User ID' } as const;
const totpParameters = {
  type: 'object',
  properties: { user_id: userIdParameter, totp_id: { type: 'integer', minimum: 1, maximum: MAX_ID, description: 'TOTP enrolment ID' } },
} as const;

function parseTotpId(raw: string): number {
  if (!/^\d{1,10}$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_ID) throw new AppError('INVALID_TOTP_ID');
  return Number(raw);
}

/** `{"<field>": "<code>"}`: a non-empty string of reasonable length, or the 400 named. */
function codeField(body: unknown, field: string, error: ErrorCode): string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new AppError(error);
  const value = (body as Record<string, unknown>)[field];
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_CODE_LENGTH) throw new AppError(error);
  return value;
}

function caller(request: FastifyRequest) {
  return request.auth!.user;
}

export function totpRoutes(app: FastifyInstance, { config, services }: RouteDeps): void {
  const totp = services.totp;
  const codeStep = codeStepSession(services, config);
  const enrolling = authenticate(services, config, 'enrolment');
  const signedIn = authenticate(services, config);
  const requireSameOrigin = sameOrigin(config, 'cookie-auth');

  app.post(
    '/auth/verify',
    {
      preHandler: [codeStep, requireSameOrigin],
      schema: routeSchema({
        summary: 'Verifies the session with a TOTP code',
        description: 'The code step of a sign-in: a session waiting for its code is fully signed in afterwards. semauth: a code counts once; attempts are throttled like logins.',
        tags: ['authentication'],
        security: [{ cookie: [] }],
        'x-body': 'TotpPasscode',
        'x-errors': { 400: 'No "passcode" string.', 401: 'Wrong, expired or already used code (or no session).', 429: 'Too many wrong codes: see Retry-After.' },
      }),
    },
    async (request, reply) => {
      const passcode = codeField(request.body, 'passcode', 'INVALID_PASSCODE_BODY');
      await totp.verify(request.auth!.sessionId!, passcode, clientContext(request, config));
      return noContent(reply);
    },
  );

  app.post(
    '/auth/recovery',
    {
      preHandler: [codeStep, requireSameOrigin],
      schema: routeSchema({
        summary: 'Verifies the session with a recovery code',
        description: 'Instead of a TOTP code: one of the recovery codes given when TOTP was turned on. It is spent.',
        tags: ['authentication'],
        security: [{ cookie: [] }],
        'x-body': 'TotpRecoveryCode',
        'x-errors': {
          400: 'No "recovery_code" string.',
          401: 'Wrong or already used recovery code (or no session).',
          403: 'Recovery codes are turned off on this server.',
          429: 'Too many wrong codes: see Retry-After.',
        },
      }),
    },
    async (request, reply) => {
      const code = codeField(request.body, 'recovery_code', 'INVALID_RECOVERY_BODY');
      await totp.recover(request.auth!.sessionId!, code, clientContext(request, config));
      return noContent(reply);
    },
  );

  app.post<UserRoute>(
    '/users/:user_id/2fas/totp',
    {
      preHandler: [enrolling, requireSameOrigin],
      schema: routeSchema({
        summary: 'Starts setting up TOTP',
        description:
          'Your own account only. semauth: the enrolment stays pending (it asks nothing at sign-in) until a first code confirms it; `url`, the otpauth:// URI holding the secret, is shown only here. Starting again replaces a pending enrolment.',
        tags: ['user'],
        'x-params': { type: 'object', properties: { user_id: userIdParameter } },
        response: { 200: ref('TotpEnrolment') },
        'x-errors': { 400: 'A malformed user id.', 403: "Another user's account.", 409: 'TOTP is already on: turn it off first.' },
      }),
    },
    async (request) => {
      return totp.start(caller(request), parseUserId(request.params.user_id), clientContext(request, config));
    },
  );

  app.get<TotpRoute>(
    '/users/:user_id/2fas/totp/:totp_id/qr',
    {
      preHandler: [enrolling],
      schema: routeSchema({
        summary: 'The QR code of a pending TOTP enrolment',
        description: 'A PNG of the otpauth:// URI, for an authenticator app to scan. semauth: only while the enrolment is pending — the secret is never shown once TOTP is on.',
        tags: ['user'],
        'x-params': totpParameters,
        'x-produces': 'image/png',
        response: { 200: { type: 'string', format: 'binary' } },
        'x-errors': { 400: 'A malformed id.', 403: "Another user's account.", 404: 'No such enrolment of yours.', 409: 'TOTP is on: its secret is not shown again.' },
      }),
    },
    async (request, reply) => {
      const png = await totp.qrCode(caller(request), parseUserId(request.params.user_id), parseTotpId(request.params.totp_id));
      return reply.type('image/png').send(png);
    },
  );

  app.post<TotpRoute>(
    '/users/:user_id/2fas/totp/:totp_id/confirm',
    {
      preHandler: [enrolling, requireSameOrigin],
      schema: routeSchema({
        summary: 'Turns TOTP on with a first code',
        description: 'semauth: the first code from the app proves it holds the secret. The answer holds the recovery codes — the only time they are shown ([] when recovery codes are turned off).',
        tags: ['user'],
        'x-params': totpParameters,
        'x-body': 'TotpPasscode',
        response: { 200: ref('TotpRecoveryCodes') },
        'x-errors': {
          400: 'A malformed id, no "passcode" string, or a code that does not match.',
          403: "Another user's account.",
          404: 'No such enrolment of yours.',
          409: 'TOTP is already on.',
        },
      }),
    },
    async (request) => {
      const userId = parseUserId(request.params.user_id);
      const totpId = parseTotpId(request.params.totp_id);
      const passcode = codeField(request.body, 'passcode', 'INVALID_PASSCODE_BODY');
      return { recovery_codes: await totp.confirm(caller(request), userId, totpId, passcode, clientContext(request, config)) };
    },
  );

  app.delete<TotpRoute>(
    '/users/:user_id/2fas/totp/:totp_id',
    {
      preHandler: [signedIn, requireSameOrigin],
      schema: routeSchema({
        summary: 'Turns TOTP off',
        description:
          "Needs a fully signed-in session (or an API token). Your own, or anyone's for an administrator. Also cancels a pending enrolment. Ends the user's sessions still waiting for a code.",
        tags: ['user'],
        'x-params': totpParameters,
        'x-errors': { 400: 'A malformed id.', 403: "Another user's, and you are not an administrator.", 404: 'No such user, or no such enrolment of theirs.' },
      }),
    },
    async (request, reply) => {
      const userId = parseUserId(request.params.user_id);
      await totp.disable(caller(request), userId, parseTotpId(request.params.totp_id), clientContext(request, config));
      return noContent(reply);
    },
  );
}
