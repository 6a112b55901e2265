/**
 * Logger options: JSON lines, and nothing secret in them. Requests are
 * logged by method, path and status only — never headers (Authorization,
 * Cookie) or bodies (passwords) — and a token in a DELETE path is masked.
 */
import type { FastifyServerOptions } from 'fastify';
import type { Config } from './config/schema.js';

export function redactUrl(url: string): string {
  return url.replace(/(\/user\/tokens\/)[^/?#]+/i, '$1[redacted]');
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
