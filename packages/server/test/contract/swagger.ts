/**
 * Just enough of Swagger 2.0 to check responses against Semaphore's own
 * contract (reference/semaphore-auth-api.yml): $ref, object/array/string/
 * integer/boolean, properties, items, minimum. Returns a list of problems.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface SwaggerDoc {
  basePath: string;
  produces: string[];
  definitions: Record<string, Schema>;
  paths: Record<string, Record<string, Operation>>;
}
export interface Operation {
  produces?: string[];
  responses: Record<string, { description: string; schema?: Schema }>;
}
export interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  minimum?: number;
}

export function loadSwagger(path: string): SwaggerDoc {
  return parse(readFileSync(path, 'utf8')) as SwaggerDoc;
}

export function validate(doc: SwaggerDoc, schema: Schema, value: unknown, at = '$'): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/definitions/', '');
    const target = doc.definitions[name];
    if (!target) return [`${at}: unknown $ref ${schema.$ref}`];
    return validate(doc, target, value, at);
  }
  switch (schema.type) {
    case 'object': {
      if (!value || typeof value !== 'object' || Array.isArray(value)) return [`${at}: expected object`];
      return Object.entries(schema.properties ?? {}).flatMap(([k, s]) =>
        (value as Record<string, unknown>)[k] === undefined ? [] : validate(doc, s, (value as Record<string, unknown>)[k], `${at}.${k}`),
      );
    }
    case 'array':
      if (!Array.isArray(value)) return [`${at}: expected array`];
      return value.flatMap((v, i) => (schema.items ? validate(doc, schema.items, v, `${at}[${i}]`) : []));
    case 'string':
      return typeof value === 'string' ? [] : [`${at}: expected string, got ${JSON.stringify(value)}`];
    case 'integer':
      if (!Number.isInteger(value)) return [`${at}: expected integer, got ${JSON.stringify(value)}`];
      return schema.minimum !== undefined && (value as number) < schema.minimum ? [`${at}: below minimum ${schema.minimum}`] : [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected boolean, got ${JSON.stringify(value)}`];
    default:
      return [];
  }
}

/** The contract's path template matching a concrete path, e.g. /user/tokens/{api_token_id}. */
export function findPath(doc: SwaggerDoc, path: string): string | undefined {
  const norm = (p: string) => p.replace(/\/+$/, '');
  return Object.keys(doc.paths).find((template) => {
    const re = new RegExp(`^${norm(template).replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return re.test(norm(path));
  });
}
