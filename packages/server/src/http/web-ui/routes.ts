/**
 * Serves the web UI under the web root, beside the API at `<root>/api`:
 *
 *   <root>/              index.html
 *   <root>/assets/NAME   the built files (hashed names: cached for a year)
 *   <root>/anything/else index.html again, so the UI's own addresses
 *                        (`/tokens`, `/auth/login`) survive a reload
 *
 * Paths under `<root>/api` and paths whose last segment has a dot (a file
 * that is not there) get the API's usual JSON 404 instead: the API's answers
 * stay exactly what they were without the UI.
 *
 * Every UI answer carries the security headers below. The Content-Security-
 * Policy allows scripts, styles, images and requests from this origin only,
 * and no inline script or style at all (the UI has none).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaticFile, WebUi } from './files.js';

export const WEB_UI_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    // blob: for the two-factor QR code, which the page fetches and shows as an object URL.
    "img-src 'self' blob:",
    "connect-src 'self'",
    "form-action 'self'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html names the current assets: always revalidated (cheaply, by ETag). */
const REVALIDATE = 'no-cache';

export function webUiRoutes(app: FastifyInstance, ui: WebUi, prefix: string): void {
  const apiPath = `${prefix}/api`;

  const index = (request: FastifyRequest, reply: FastifyReply) => send(request, reply, ui.index, REVALIDATE);

  app.get(`${prefix}/`, index);
  app.get<{ Params: { name: string } }>(`${prefix}/assets/:name`, (request, reply) => {
    const file = ui.assets.get(request.params.name);
    return file === undefined ? reply.callNotFound() : send(request, reply, file, IMMUTABLE);
  });
  app.get(`${prefix}/*`, (request, reply) => {
    const path = (request.url.split('?', 1)[0] ?? '').replace(/\/{2,}/g, '/');
    const last = path.replace(/\/+$/, '').split('/').pop() ?? '';
    if (path === apiPath || path.startsWith(`${apiPath}/`) || last.includes('.')) return reply.callNotFound();
    return index(request, reply);
  });
}

function send(request: FastifyRequest, reply: FastifyReply, file: StaticFile, cacheControl: string): FastifyReply {
  reply.headers(WEB_UI_HEADERS).header('cache-control', cacheControl).header('etag', file.etag).type(file.type);
  if (file.gzip !== null) reply.header('vary', 'Accept-Encoding');
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  if (file.gzip !== null && acceptsGzip(request.headers['accept-encoding'])) {
    return reply.header('content-encoding', 'gzip').send(file.gzip);
  }
  return reply.send(file.body);
}

/** `gzip` listed in Accept-Encoding and not refused with `q=0`. */
function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== '*') return false;
    return !params.some((p) => /^\s*q=0(\.0*)?\s*$/.test(p));
  });
}
