/**
 * One body parser for every content type (SPEC §3): Semaphore parses JSON
 * whatever the label, an Ansible collection labels its JSON login as a form,
 * and the seed's client sends `Content-Type: application/json` with no body.
 * Bodies are UTF-8 whatever charset is named; invalid UTF-8, invalid JSON,
 * absurd nesting and prototype-poisoning keys are 400s. An empty body is "no
 * body", never an error.
 */
import type { FastifyInstance } from 'fastify';
import secureJson from 'secure-json-parse';
import { AppError } from '../errors.js';

export const MAX_JSON_DEPTH = 32;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Deepest bracket nesting outside strings; stops counting once past `limit`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * `__proto__` and `constructor.prototype` keys are refused, not just dropped:
 * a body that carries them is an attack or a bug, and any code that ever
 * copies the parsed object (Object.assign, a spread into a prototype chain)
 * would otherwise hand it a new prototype.
 */
const REFUSE_PROTOTYPE_KEYS = { protoAction: 'error', constructorAction: 'error' } as const;

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export function parseJsonBody(raw: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw new AppError('INVALID_UTF8');
  }
  if (text.trim() === '') return undefined;
  if (nestingDepth(text, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new AppError('JSON_TOO_DEEP');
  try {
    return secureJson.parse(text, null, REFUSE_PROTOTYPE_KEYS) as unknown;
  } catch {
    // Both faults are a SyntaxError there; whether the text is JSON at all tells them apart.
    throw new AppError(isJson(text) ? 'JSON_PROTOTYPE_KEY' : 'INVALID_JSON');
  }
}

export function registerBodyParser(app: FastifyInstance): void {
  // The label decides nothing here, and Fastify answers 415 to a label it
  // cannot parse (`Content-Type: `, `x`) before any parser runs — even for a
  // body-less POST. Dropping the header sends every body to the one parser below.
  // A callback hook (it runs on every request and waits for nothing), and the
  // header is deleted only when present: `delete` turns the headers object
  // into a slow dictionary for every later header read of the request.
  app.addHook('onRequest', (request, _reply, done) => {
    if (request.raw.headers['content-type'] !== undefined) delete request.raw.headers['content-type'];
    done();
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as Buffer));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}
