/**
 * Logger options: JSON lines, and nothing secret in them. Requests are
 * logged by method, path and status only — never headers (Authorization,
 * Cookie) or bodies (passwords) — and anything token-like in a URL is masked.
 */
import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config/schema.js';

/**
 * The URL as logged: the id of a token path is masked however its slashes
 * fall (the router forgives `/user//tokens/…`), and so is any long run of
 * token characters anywhere else (a typo'd path or a query can carry a whole
 * token too). Percent-encoded characters count as token characters.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/(\/user\/+tokens\/+)[^?#]+/i, '$1[redacted]')
    .replace(/(?:[A-Za-z0-9_=-]|%[0-9A-Fa-f]{2}){16,}/g, '[redacted]');
}

export function loggerOptions(config: Config): FastifyServerOptions['logger'] {
  return {
    level: config.logLevel,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.secret', '*.token'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  };
}
