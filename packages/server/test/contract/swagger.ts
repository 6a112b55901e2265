/**
 * Answers checked against a Swagger 2.0 contract, by the book: the file is
 * validated and dereferenced by @apidevtools/swagger-parser, and bodies are
 * validated by ajv (every JSON Schema keyword the contract uses — `required`,
 * `format`, `minimum`, `enum`, … — with ajv-formats for `format`). Any
 * Swagger file, any of its operations: the auth API contract today, the users
 * API contract next.
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import { Ajv, type ValidateFunction } from 'ajv';
import formats from 'ajv-formats';
import type { OpenAPIV2 } from 'openapi-types';

/** What a check needs of an answer. */
export interface Answer {
  status: number;
  /** The Content-Type header as received. */
  contentType: string | undefined;
  /** The body as text. */
  body: string;
}

export interface Contract {
  readonly basePath: string;
  /** Every operation of the contract, as `METHOD /template`. */
  readonly operations: string[];
  /** The contract's path template that a concrete path (ids filled in) matches. */
  findPath(path: string): string | undefined;
  /**
   * What is wrong with one answer to `method path`: an operation or status the
   * contract does not document, a content type the operation does not
   * produce, a body its schema refuses. Empty when the answer conforms.
   */
  check(method: string, path: string, answer: Answer): string[];
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

/** Swagger's own schema keywords and vendor extensions: annotations, not constraints. */
function annotationKeywords(node: unknown, found = new Set(['example', 'discriminator', 'xml', 'externalDocs'])): Set<string> {
  if (Array.isArray(node)) for (const item of node) annotationKeywords(item, found);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith('x-')) found.add(key);
      annotationKeywords(value, found);
    }
  }
  return found;
}

const mediaType = (contentType: string) => contentType.split(';')[0]!.trim().toLowerCase();

export async function loadContract(file: string): Promise<Contract> {
  // validate() checks the file against the Swagger 2.0 schema, then dereferences every $ref.
  const doc = (await SwaggerParser.validate(file)) as OpenAPIV2.Document;
  if (doc.swagger !== '2.0') throw new Error(`${file}: not a Swagger 2.0 document`);
  const ajv = new Ajv({ strict: true, allErrors: true });
  formats.default(ajv);
  ajv.addVocabulary([...annotationKeywords(doc)]);
  const validators = new Map<OpenAPIV2.Schema, ValidateFunction>();
  const validator = (schema: OpenAPIV2.Schema) => {
    let v = validators.get(schema);
    if (!v) validators.set(schema, (v = ajv.compile(schema as object)));
    return v;
  };

  const templates = Object.keys(doc.paths);
  const norm = (p: string) => p.replace(/\/+$/, '');
  const findPath = (path: string) =>
    templates.find((template) => new RegExp(`^${norm(template).replace(/\{[^}]+\}/g, '[^/]+')}$`).test(norm(path)));

  return {
    basePath: doc.basePath ?? '',
    operations: templates.flatMap((t) => METHODS.filter((m) => doc.paths[t]![m]).map((m) => `${m.toUpperCase()} ${t}`)),
    findPath,
    check(method, path, answer) {
      const what = `${method} ${path} → ${answer.status}`;
      const template = findPath(path);
      if (!template) return [`${what}: the path is not in the contract`];
      const op = doc.paths[template]![method.toLowerCase() as (typeof METHODS)[number]] as OpenAPIV2.OperationObject | undefined;
      if (!op) return [`${what}: ${method} ${template} is not in the contract`];
      const documented = (op.responses[String(answer.status)] ?? op.responses.default) as OpenAPIV2.ResponseObject | undefined;
      if (!documented) return [`${what}: not a documented status (${Object.keys(op.responses).join(', ')})`];
      if (!documented.schema) return [];

      const produces = (op.produces ?? doc.produces ?? []).map(mediaType);
      const type = mediaType(answer.contentType ?? '');
      if (!produces.includes(type)) return [`${what}: content type ${JSON.stringify(answer.contentType)} is not one the operation produces (${produces.join(', ')})`];
      let body: unknown = answer.body;
      if (type === 'application/json') {
        try {
          body = JSON.parse(answer.body);
        } catch {
          return [`${what}: the body is not JSON: ${answer.body.slice(0, 200)}`];
        }
      }
      const validate = validator(documented.schema);
      if (validate(body)) return [];
      return (validate.errors ?? []).map((e) => `${what}: body${e.instancePath} ${e.message ?? e.keyword} (${JSON.stringify(e.params)})`);
    },
  };
}
