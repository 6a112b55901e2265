/**
 * One request as Semaphore's contract tests send it (JSON content type, an
 * empty body when there is none), its answer checked against a Swagger
 * contract (swagger.ts) and against semauth's own wire rules beyond it
 * (SPEC §3, §4). Each checked answer is recorded as `METHOD /template status`.
 */
import { expect } from 'vitest';
import { http, type HttpResponse } from '../support/http.js';
import type { Contract } from './swagger.js';

/** `contract` and `origin` are read at each call: both are known only once the suite's beforeAll ran. */
export function contractCaller(contract: () => Contract, origin: () => string, checked: string[]) {
  return async function call(method: string, path: string, opts: { headers?: Record<string, string>; body?: unknown } = {}): Promise<HttpResponse> {
    const c = contract();
    const r = await http(method, `${origin()}${c.basePath}${path}`, {
      headers: { 'content-type': 'application/json', ...opts.headers },
      ...(opts.body !== undefined ? { body: opts.body } : { body: '' }),
    });
    expect(c.check(method, path, { status: r.status, contentType: r.headers['content-type'], body: r.text }), `${method} ${path}: ${r.text}`).toEqual([]);
    if (r.headers['content-type']?.startsWith('application/json')) expect(r.headers['content-type']).toBe('application/json');
    if (r.status >= 400) expect(typeof r.json().error).toBe('string');
    else if (r.status === 204) expect(r.text, `${method} ${path} documents no body`).toBe('');
    checked.push(`${method} ${c.findPath(path)} ${r.status}`);
    return r;
  };
}
