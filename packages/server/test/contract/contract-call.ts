/**
 * One request as Semaphore's contract tests send it (JSON content type,
 * an empty body when there is none), and the answer held against a Swagger
 * contract: a documented status, a documented content type, a body matching
 * the schema — or, for an error the contract names without a schema,
 * Semaphore's `{"error": …}`.
 */
import { expect } from 'vitest';
import { http, type HttpResponse } from '../support/http.js';
import { findPath, validate, type SwaggerDoc } from './swagger.js';

/** `contract` and `origin` are read at each call (both are known only once the suite's beforeAll ran). */
export function contractCaller(contract: () => SwaggerDoc, origin: () => string, checked: string[]) {
  return async function call(method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<HttpResponse> {
    const doc = contract();
    const r = await http(method, `${origin()}${doc.basePath}${path}`, {
      headers: { 'content-type': 'application/json', ...opts.headers },
      ...(opts.body !== undefined ? { body: opts.body } : { body: '' }),
    });
    const template = findPath(doc, path);
    expect(template, `${path} is not in the contract`).toBeDefined();
    const op = doc.paths[template!]![method.toLowerCase()];
    expect(op, `${method} ${template} is not in the contract`).toBeDefined();
    const documented = op!.responses[String(r.status)];
    expect(documented, `${method} ${path} answered ${r.status}, not a documented status (${Object.keys(op!.responses)}): ${r.text}`).toBeDefined();
    if (documented!.schema) {
      const produces = op!.produces ?? doc.produces;
      const mediaType = (r.headers['content-type'] ?? '').split(';')[0]!.trim();
      expect(produces.map((p) => p.split(';')[0]!.trim()), `content type of ${method} ${path}`).toContain(mediaType);
      if (mediaType === 'application/json') {
        expect(r.headers['content-type']).toBe('application/json');
        expect(validate(doc, documented!.schema, r.json()), `${method} ${path} body`).toEqual([]);
      } else {
        expect(validate(doc, documented!.schema, r.text)).toEqual([]);
      }
    } else if (r.status < 300) {
      expect(r.text, `${method} ${path} documents no body`).toBe('');
    } else {
      // The contract names the error status but no schema: semauth's is Semaphore's {"error": …} (SPEC §4).
      expect(r.headers['content-type']).toBe('application/json');
      expect(typeof r.json().error).toBe('string');
    }
    checked.push(`${method} ${template} ${r.status}`);
    return r;
  };
}

/** Every operation of the contract, as `METHOD /path`. */
export function contractOperations(doc: SwaggerDoc): string[] {
  return Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).filter((k) => k !== 'parameters').map((m) => `${m.toUpperCase()} ${p}`));
}
