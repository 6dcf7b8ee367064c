/**
 * Checks a response against the OpenAPI document, as a client generated from it would expect:
 * the status is one the operation lists, and the body fits that status's schema. test-server.ts
 * runs it on every response its requests receive. Paths and methods the document does not
 * describe (404s, 405s) have no operation to check against.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { OpenApiDocument } from '../../src/http/openapi/openapi-document.ts';

type Json = Record<string, unknown>;

const pointer = (...parts: string[]) =>
  parts.map((part) => part.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

export function createConformanceCheck(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema(document, 'openapi');

  return function problems(
    method: string,
    url: string,
    status: number,
    contentType: string | null,
    text: string,
  ): string[] {
    const path = new URL(url).pathname;
    const operation = (document.paths as Record<string, Record<string, Json> | undefined>)[path]?.[
      method.toLowerCase()
    ];
    if (!operation) return [];
    const responses = operation.responses as Record<string, Json>;
    const response = responses[String(status)];
    const where = `${method} ${path} → ${status}`;
    if (!response)
      return [`${where}: the document lists only ${Object.keys(responses).join(', ')}`];
    const content = response.content as Record<string, Json> | undefined;
    if (!content?.['application/json']) return [];
    if (!contentType?.startsWith('application/json')) {
      return [`${where}: expected application/json, got ${String(contentType)}`];
    }
    const validate = ajv.getSchema(
      `openapi#/${pointer('paths', path, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`,
    );
    if (!validate) return [`${where}: no schema to check against`];
    if (validate(JSON.parse(text))) return [];
    return (validate.errors ?? []).map(
      (error) =>
        `${where}: body${error.instancePath} ${error.message ?? ''} (${text.slice(0, 200)})`,
    );
  };
}
