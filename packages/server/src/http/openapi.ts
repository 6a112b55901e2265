/**
 * GET /api/openapi.json: an OpenAPI 3.1 document generated from the route
 * schemas as they are registered, so the contract cannot drift from the code.
 * The SDK's types are checked against it by a test.
 */
import type { FastifyInstance, RouteOptions } from 'fastify';
import { VERSION } from '../version.js';
import { sharedSchemas } from './schemas.js';

interface CollectedRoute {
  method: string;
  url: string;
  schema: Record<string, unknown>;
}

/** `{"$ref": "User#"}` (Fastify) → `{"$ref": "#/components/schemas/User"}` (OpenAPI), recursively. */
function toOpenApiRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toOpenApiRefs);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$id') continue;
    out[k] = k === '$ref' && typeof v === 'string' ? `#/components/schemas/${v.replace(/#$/, '')}` : toOpenApiRefs(v);
  }
  return out;
}

const STATUS_TEXT: Record<string, string> = { 200: 'OK', 201: 'Created', 204: 'No Content' };

function operation(route: CollectedRoute, apiPrefix: string) {
  const s = route.schema;
  const parameters: unknown[] = [];
  // `x-params` documents path parameters that the service validates itself (so that a 401 comes before a 400).
  for (const [where, key] of [['path', s['x-params'] ? 'x-params' : 'params'], ['query', 'querystring']] as const) {
    const props = (s[key] as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
    for (const [name, schema] of Object.entries(props)) {
      parameters.push({ name, in: where, required: where === 'path', schema: toOpenApiRefs(schema) });
    }
  }
  const responses: Record<string, unknown> = {};
  const declared = (s.response as Record<string, unknown> | undefined) ?? {};
  for (const [status, schema] of Object.entries(declared)) {
    // `x-produces`: a route that answers something else than JSON (the TOTP QR code's PNG).
    const mediaType = typeof s['x-produces'] === 'string' ? s['x-produces'] : route.url.endsWith('/ping') ? 'text/plain; charset=utf-8' : 'application/json';
    responses[status] = { description: STATUS_TEXT[status] ?? status, content: { [mediaType]: { schema: toOpenApiRefs(schema) } } };
  }
  if (Object.keys(declared).length === 0) responses['204'] = { description: 'No Content' };
  // Error statuses a client must tell apart (e.g. 404 "already gone" from 400 "malformed").
  const errors = (s['x-errors'] as Record<string, string> | undefined) ?? {};
  for (const [status, description] of Object.entries(errors)) {
    responses[status] = { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  responses.default = { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    summary: s.summary,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
    tags: s.tags,
    ...(s.security !== undefined ? { security: s.security } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(typeof s['x-body'] === 'string'
      ? { requestBody: { required: false, content: { 'application/json': { schema: { $ref: `#/components/schemas/${s['x-body']}` } } } } }
      : {}),
    responses,
    operationId: `${route.method.toLowerCase()}${route.url.slice(apiPrefix.length).replace(/[/:{}_](\w)?/g, (_m, c?: string) => (c ? c.toUpperCase() : ''))}`,
  };
}

export function collectOpenApi(app: FastifyInstance, apiPrefix: string) {
  const routes: CollectedRoute[] = [];
  app.addHook('onRoute', (r: RouteOptions) => {
    // Hidden: routes that are not part of the Semaphore JSON API (the document itself,
    // the health probes, the OIDC redirects a browser follows).
    if (!r.url.startsWith(apiPrefix) || (r.schema as { hide?: unknown } | undefined)?.hide === true) return;
    for (const method of [r.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, url: r.url, schema: (r.schema as Record<string, unknown> | undefined) ?? {} });
    }
  });

  let cached: unknown;
  return function document() {
    if (cached) return cached;
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of routes) {
      const path = r.url.slice(apiPrefix.length).replace(/:(\w+)/g, '{$1}');
      (paths[path] ??= {})[r.method.toLowerCase()] = operation(r, apiPrefix);
    }
    cached = {
      openapi: '3.1.0',
      info: { title: 'semauth', description: 'Semaphore-compatible authentication API', version: VERSION },
      servers: [{ url: apiPrefix }],
      security: [{ bearer: [] }, { cookie: [] }],
      paths,
      components: {
        schemas: Object.fromEntries(sharedSchemas.map((s) => [s.$id, toOpenApiRefs(s)])),
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token; a bare token without "Bearer" is accepted too.' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'semaphore' },
        },
      },
    };
    return cached;
  };
}
