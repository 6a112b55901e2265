/**
 * Authentication of API requests (SPEC §1 "Authentication of requests"):
 * `Authorization: Bearer <token>` (scheme case-insensitive) or a bare token in
 * `Authorization`; otherwise the `semaphore` cookie. A present but invalid
 * bearer is final (no fallback to the cookie). Other schemes are ignored.
 * The guard answers 401 itself by throwing: it never "writes 401 and carries
 * on" (CVE-2023-28609).
 */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/schema.js';
import { AppError } from '../../errors.js';
import type { Services } from '../../services/index.js';
import type { UserRecord } from '../../storage/types.js';
import { clearedUiMarkerCookie, hasUiMarker, readSessionCookie } from '../cookies.js';
import { isSecureRequest } from '../request-context.js';

export interface AuthContext {
  user: UserRecord;
  via: 'bearer' | 'cookie';
  /** The cookie's session; what a route needs to tell "this session" from the user's others. */
  sessionId?: string;
}

/**
 * What a route lets a cookie session in that is not fully signed in
 * (services/second-factor.ts): `signed-in` (almost every route) none;
 * `enrolment` also a session the TOTP policy holds to setting TOTP up (the
 * enrolment routes, GET /user). A session still waiting for its code gets
 * in nowhere: the code step has its own guard (codeStepSession).
 */
export type Admits = 'signed-in' | 'enrolment';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

/** The bearer token the request presents, '' for a bearer header without one, null for none. */
export function presentedBearer(header: string | undefined): string | null {
  if (header === undefined) return null;
  const value = header.trim();
  const m = /^bearer(?:\s+(.*))?$/i.exec(value);
  if (m) return (m[1] ?? '').trim();
  // Some other scheme ("Basic …"): not ours, fall back to the cookie.
  if (/\s/.test(value)) return null;
  // The seed's Python client sends the token with no scheme unless told otherwise.
  return value;
}

/**
 * The 401 for a request without a live session. When Semaphore's web UI
 * still holds its marker cookie (its session ended, or was never there),
 * the answer clears it, so that the UI sees it is signed out.
 */
function noSession(request: FastifyRequest, config: Config): AppError {
  if (!config.semaphoreUiCompat || !hasUiMarker(request.headers.cookie)) return new AppError('UNAUTHENTICATED');
  return new AppError('UNAUTHENTICATED', undefined, { 'set-cookie': clearedUiMarkerCookie(isSecureRequest(request, config)) });
}

export function authenticate(services: Services, config: Config, admits: Admits = 'signed-in') {
  return async function requireUser(request: FastifyRequest): Promise<void> {
    const bearer = presentedBearer(request.headers.authorization);
    if (bearer !== null) {
      const found = bearer === '' ? null : await services.tokens.authenticate(bearer);
      if (!found) throw new AppError('UNAUTHENTICATED', 'Invalid, expired or revoked API token.');
      request.auth = { user: found.user, via: 'bearer' };
      return;
    }
    const cookie = readSessionCookie(request.headers.cookie);
    const session = cookie === null ? null : await services.sessions.authenticate(cookie);
    if (!session) throw noSession(request, config);
    // The one place the second factor is enforced: a token never reaches this line.
    const access = services.secondFactor.access(session.user, session.secondFactor);
    if (access === 'totp-required') throw new AppError('TOTP_REQUIRED');
    if (access === 'enrolment-required' && admits !== 'enrolment') throw new AppError('TOTP_ENROLMENT_REQUIRED');
    request.auth = { user: session.user, via: 'cookie', sessionId: session.sessionId };
  };
}

/**
 * POST /auth/verify and /auth/recovery: the cookie's session, whatever it
 * stands at with the second factor (the service answers a session past the
 * code step as done). Only a cookie: an API token has no code step.
 */
export function codeStepSession(services: Services, config: Config) {
  return async function requireCookieSession(request: FastifyRequest): Promise<void> {
    const cookie = readSessionCookie(request.headers.cookie);
    const session = cookie === null ? null : await services.sessions.authenticate(cookie);
    if (!session) throw noSession(request, config);
    request.auth = { user: session.user, via: 'cookie', sessionId: session.sessionId };
  };
}
