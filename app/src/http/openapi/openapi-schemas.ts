/**
 * The bodies of the API as JSON Schema (2020-12, as OpenAPI 3.1 uses it), exactly as tight as the
 * answers are: a field the app never sends is refused, so a test fails when an answer drifts.
 * The error shapes are simplejwt's and DRF's.
 */
const string = { type: 'string' };
const jwt = { type: 'string', pattern: '^[\\w-]+\\.[\\w-]+\\.[\\w-]+$' };
const closed = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});

export const schemas = {
  TokenPair: closed({ refresh: jwt, access: jwt }),
  Access: closed({ access: jwt }),
  Refreshed: closed({ access: jwt, refresh: jwt }, ['access']),
  Empty: closed({}),
  Revoked: closed({ revoked: { type: 'integer', minimum: 0 } }),
  Message: closed({ message: string }),
  Detail: closed({ detail: string }),
  /** simplejwt's token errors add a code; on protected routes, each token class tried. */
  Error: closed(
    {
      detail: string,
      code: string,
      messages: {
        type: 'array',
        items: closed({ token_class: string, token_type: string, message: string }),
      },
    },
    ['detail'],
  ),
  /** DRF's serializer errors: field name (or non_field_errors) to messages. */
  FieldErrors: {
    type: 'object',
    minProperties: 1,
    additionalProperties: { type: 'array', items: string, minItems: 1 },
  },
  BadRequest: {
    anyOf: [{ $ref: '#/components/schemas/Detail' }, { $ref: '#/components/schemas/FieldErrors' }],
  },
  /** DRF's SimpleMetadata: what OPTIONS says of a view. */
  ViewMetadata: closed(
    {
      name: string,
      description: string,
      renders: { type: 'array', items: string },
      parses: { type: 'array', items: string },
      actions: {
        type: 'object',
        additionalProperties: {
          type: 'object',
          additionalProperties: closed({
            type: string,
            required: { type: 'boolean' },
            read_only: { type: 'boolean' },
            label: string,
          }),
        },
      },
    },
    ['name', 'description', 'renders', 'parses'],
  ),
  Health: closed({ status: { const: 'ok' }, uptime_seconds: { type: 'integer', minimum: 0 } }),
  Readiness: closed({
    status: { enum: ['ready', 'not ready'] },
    checks: closed({
      database: { enum: ['ok', 'unreachable'] },
      keys: { enum: ['ok', 'missing'] },
    }),
  }),
  Jwks: closed({
    keys: {
      type: 'array',
      items: {
        type: 'object',
        properties: { kty: string, kid: string, alg: string, use: string },
        required: ['kty', 'kid', 'alg'],
      },
    },
  }),
};
