/** Facts about the HTTP caller that the services and guards need. */
import { isIP } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config/schema.js';
import { httpOrigin } from '../origin.js';
import type { ClientContext } from '../services/context.js';
import type { CookieSettings } from './cookies.js';

/** An address as written in X-Forwarded-For/X-Real-IP (`1.2.3.4`, `1.2.3.4:5678`, `[::1]:80`), or null if it is none. */
function parseForwardedAddress(entry: string): string | null {
  let v = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(v);
  if (bracketed) v = bracketed[1]!;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(v)) v = v.slice(0, v.lastIndexOf(':'));
  return isIP(v) ? normaliseAddress(v) : null;
}

function normaliseAddress(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address.toLowerCase();
}

/**
 * Client address: the socket's, or — behind `config.trustProxy` proxies — the
 * X-Forwarded-For entry that many places from the right. Entries further left
 * were written by the client and are never believed: a proxy *appends* the
 * address it saw, so the left-most entry is whatever the client sent.
 * X-Real-IP (set, not appended, by nginx) is used when there is no X-Forwarded-For.
 * Anything that is not an IP address falls back to the socket's address.
 */
export function clientAddress(request: FastifyRequest, config: Config): string {
  const socketAddress = normaliseAddress(request.socket.remoteAddress ?? 'unknown');
  if (!config.trustProxy) return socketAddress;
  const xff = request.headers['x-forwarded-for'];
  if (typeof xff === 'string' && xff.trim() !== '') {
    const entries = xff.split(',');
    const entry = entries[Math.max(0, entries.length - config.trustProxy)]!;
    return parseForwardedAddress(entry) ?? socketAddress;
  }
  const realIp = request.headers['x-real-ip'];
  if (typeof realIp === 'string') return parseForwardedAddress(realIp) ?? socketAddress;
  return socketAddress;
}

export function clientContext(request: FastifyRequest, config: Config): ClientContext {
  const ua = request.headers['user-agent'];
  return { address: clientAddress(request, config), userAgent: typeof ua === 'string' ? ua : null, log: request.log };
}

/**
 * Whether cookies set on this response get `Secure`. `request.protocol`
 * honours X-Forwarded-Proto (its last entry) only with trustProxy.
 */
export function isSecureRequest(request: FastifyRequest, config: Config): boolean {
  if (config.cookieSecure === 'always') return true;
  if (config.cookieSecure === 'never') return false;
  return request.protocol?.toLowerCase() === 'https';
}

/** How this response sets cookies: `Secure` or not, and whether the web UI's marker goes with the session. */
export function cookieSettings(request: FastifyRequest, config: Config): CookieSettings {
  return { secure: isSecureRequest(request, config), uiMarker: config.semaphoreUiCompat };
}

/**
 * The service's own origin: from the configured web root, else the request's
 * Host and scheme, normalised like a browser's Origin (lower case, default
 * port dropped). Null when the Host is not a valid host.
 */
export function ownOrigin(request: FastifyRequest, config: Config): string | null {
  if (config.webRoot.origin) return config.webRoot.origin;
  // A non-http(s) X-Forwarded-Proto or a Host that is no host gives null: never ours.
  return httpOrigin(`${request.protocol}://${request.host}`);
}
