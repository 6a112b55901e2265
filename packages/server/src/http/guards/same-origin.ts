/**
 * CSRF and login-CSRF defence (SPEC §1): a browser request that changes state
 * with the cookie — and any login — must come from the service's own origin
 * (or the allow-list). The Origin header decides; without it, the Referer.
 * Requests with neither come from non-browser clients and pass — unless the
 * browser itself says the request is cross-site (`Sec-Fetch-Site`), which a
 * page cannot forge.
 */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../config/schema.js';
import { AppError } from '../../errors.js';
import { httpOrigin } from '../../origin.js';
import { ownOrigin } from '../request-context.js';
import { presentedBearer } from './authenticate.js';

export function isAllowedOrigin(request: FastifyRequest, config: Config): boolean {
  const origin = request.headers.origin;
  const referer = request.headers.referer;
  let claimed: string | null;
  if (typeof origin === 'string') claimed = httpOrigin(origin); // "null" (sandboxed, file://) is never ours
  else if (typeof referer === 'string') claimed = httpOrigin(referer);
  else return request.headers['sec-fetch-site'] !== 'cross-site';
  if (claimed === null) return false;
  return claimed === ownOrigin(request, config) || config.allowedOrigins.includes(claimed);
}

/**
 * `always`: login. `cookie-auth`: routes behind the authenticate guard.
 * `unless-bearer`: logout, which is public but ends the cookie's session.
 */
export function sameOrigin(config: Config, when: 'always' | 'cookie-auth' | 'unless-bearer') {
  return async function requireSameOrigin(request: FastifyRequest): Promise<void> {
    if (when === 'cookie-auth' && request.auth?.via !== 'cookie') return;
    if (when === 'unless-bearer' && presentedBearer(request.headers.authorization)) return;
    if (!isAllowedOrigin(request, config)) throw new AppError('CROSS_ORIGIN_REQUEST');
  };
}
