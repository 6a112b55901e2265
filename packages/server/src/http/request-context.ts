/** Facts about the HTTP caller that the services and guards need. */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.js';
import type { ClientContext } from '../services/context.js';

/** Client address: the socket's, or the forwarded one only behind a trusted proxy. */
export function clientAddress(request: FastifyRequest, config: Config): string {
  if (config.trustProxy) {
    const realIp = request.headers['x-real-ip'];
    if (!request.headers['x-forwarded-for'] && typeof realIp === 'string' && realIp.trim() !== '') return realIp.trim().slice(0, 64);
    return request.ip;
  }
  return request.socket.remoteAddress ?? 'unknown';
}

export function clientContext(request: FastifyRequest, config: Config): ClientContext {
  const ua = request.headers['user-agent'];
  return { address: clientAddress(request, config), userAgent: typeof ua === 'string' ? ua : null };
}

/** Whether cookies set on this response get `Secure`. `request.protocol` honours X-Forwarded-Proto only with trustProxy. */
export function isSecureRequest(request: FastifyRequest, config: Config): boolean {
  if (config.cookieSecure === 'always') return true;
  if (config.cookieSecure === 'never') return false;
  return request.protocol === 'https';
}

/** The service's own origin: from the configured web root, else the request's Host and scheme. */
export function ownOrigin(request: FastifyRequest, config: Config): string {
  return config.webRoot.origin ?? `${request.protocol}://${request.host}`.toLowerCase();
}
