/**
 * The OpenAPI 3.1 description of the API: every public endpoint, its bodies (JSON and HTML forms,
 * as DRF parses them), every status it answers with and the body of each. It is the one source:
 * the app serves it at /api/schema/ and renders /api/docs/ from it, and the tests check that the
 * routes and the document list the same operations and that every response they receive fits it.
 * https://spec.openapis.org/oas/v3.1.0
 */
import { schemas } from './openapi-schemas.ts';

type Json = Record<string, unknown>;

const ref = (name: keyof typeof schemas) => ({ $ref: `#/components/schemas/${name}` });
const jsonBody = (schema: Json, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

/** The errors every endpoint with a body can answer before its own logic runs. */
const bodyErrors = {
  '400': jsonBody(ref('BadRequest'), 'Malformed body, or a field missing or not a string'),
  '413': jsonBody(ref('Detail'), 'Body larger than BODY_LIMIT'),
  '415': jsonBody(ref('Detail'), 'Neither JSON, an HTML form nor multipart'),
};
/** Every DRF view negotiates Accept before anything else. */
const notAcceptable = { '406': jsonBody(ref('Detail'), 'The Accept header refuses JSON') };
const unauthorized = jsonBody(ref('Error'), 'Credentials missing, or a token refused');
const throttled = {
  ...jsonBody(ref('Detail'), 'Too many requests: from this address, or failed logins'),
  headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } },
};
/** Every endpoint that reads or writes the store answers this while the database is away. */
const storeAway = {
  '503': {
    ...jsonBody(ref('Detail'), 'The database does not answer; try again shortly'),
    headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } },
  },
};

/** A POST endpoint that takes these string fields, as JSON or as an HTML form. */
function fieldsBody(fields: string[], required: string[]) {
  const schema = {
    type: 'object',
    properties: Object.fromEntries(fields.map((field) => [field, { type: 'string' }])),
    required,
  };
  return {
    required: required.length > 0,
    content: {
      'application/json': { schema },
      'application/x-www-form-urlencoded': { schema },
      'multipart/form-data': { schema },
    },
  };
}

export interface DocumentOptions {
  /** REFRESH_TOKEN_COOKIE: the refresh token travels in a cookie, not in bodies. */
  refreshCookie: boolean;
}

/** OPTIONS on a view: DRF's description of it (name, media types, the POST fields). */
function viewOptions(operationId: string, protectedView = false) {
  return {
    operationId,
    summary: 'What this endpoint takes and answers, as DRF describes its views',
    ...(protectedView ? { security: [{ bearerAuth: [] }] } : {}),
    responses: {
      '200': jsonBody(ref('ViewMetadata'), 'The view: name, description, renders, parses, fields'),
      ...(protectedView ? { '401': unauthorized } : {}),
      ...notAcceptable,
      ...(protectedView ? storeAway : {}),
    },
  };
}

/** Where a response's tokens lead: a fuzzer (and a reader) can follow login → refresh → logout. */
const linkTo = (operationId: string, field: string, from: string) => ({
  operationId,
  requestBody: { [field]: `$response.body#/${from}` },
});
const tokenLinks = {
  refresh: linkTo('refreshToken', 'refresh', 'refresh'),
  verify: linkTo('verifyToken', 'token', 'access'),
  blacklist: linkTo('blacklistToken', 'refresh', 'refresh'),
};

function tokenPaths({ refreshCookie }: DocumentOptions) {
  const refreshField = refreshCookie ? [] : ['refresh'];
  const cookie = refreshCookie ? [{ refreshCookie: [] }] : undefined;
  return {
    '/api/token/': {
      post: {
        operationId: 'obtainTokenPair',
        summary: 'Log in: a refresh and an access token',
        requestBody: fieldsBody(['username', 'password'], ['username', 'password']),
        responses: {
          '200': {
            ...jsonBody(ref(refreshCookie ? 'Access' : 'TokenPair'), 'The tokens'),
            ...(refreshCookie ? {} : { links: tokenLinks }),
          },
          ...bodyErrors,
          '401': jsonBody(ref('Detail'), 'Wrong credentials, or an inactive or unknown user'),
          ...notAcceptable,
          ...storeAway,
          '429': throttled,
        },
      },
      options: viewOptions('describeObtainTokenPair'),
    },
    '/api/token/refresh/': {
      post: {
        operationId: 'refreshToken',
        summary: 'A new access token, and a rotated refresh token',
        ...(cookie ? { security: cookie } : {}),
        requestBody: fieldsBody(['refresh'], refreshField),
        responses: {
          '200': {
            ...jsonBody(ref('Refreshed'), 'The new tokens'),
            ...(refreshCookie ? {} : { links: tokenLinks }),
          },
          ...bodyErrors,
          '401': unauthorized,
          ...notAcceptable,
          ...storeAway,
          '429': throttled,
        },
      },
      options: viewOptions('describeRefreshToken'),
    },
    '/api/token/verify/': {
      post: {
        operationId: 'verifyToken',
        summary: 'Whether a token of any type is valid',
        requestBody: fieldsBody(['token'], ['token']),
        responses: {
          '200': jsonBody(ref('Empty'), 'Valid'),
          ...bodyErrors,
          '401': unauthorized,
          ...notAcceptable,
          ...storeAway,
        },
      },
      options: viewOptions('describeVerifyToken'),
    },
    '/api/token/blacklist/': {
      post: {
        operationId: 'blacklistToken',
        summary: 'Log out: blacklist a refresh token',
        ...(cookie ? { security: cookie } : {}),
        requestBody: fieldsBody(['refresh'], refreshField),
        responses: {
          '200': jsonBody(ref('Empty'), 'Done'),
          ...bodyErrors,
          '401': unauthorized,
          ...notAcceptable,
          ...storeAway,
        },
      },
      options: viewOptions('describeBlacklistToken'),
    },
    '/api/token/logout-all/': {
      post: {
        operationId: 'logoutEverywhere',
        summary: "Revoke every refresh token of the caller's account",
        security: [{ bearerAuth: [] }],
        responses: {
          '200': jsonBody(ref('Revoked'), 'How many live refresh tokens were revoked'),
          '401': unauthorized,
          ...notAcceptable,
          ...storeAway,
        },
      },
      options: viewOptions('describeLogoutEverywhere', true),
    },
  };
}

const otherPaths = {
  '/hello/': {
    get: {
      operationId: 'hello',
      summary: 'A protected route',
      security: [{ bearerAuth: [] }],
      responses: {
        '200': jsonBody(ref('Message'), 'The greeting'),
        '401': unauthorized,
        ...notAcceptable,
        ...storeAway,
      },
    },
    options: viewOptions('describeHello', true),
  },
  '/healthz': {
    get: {
      operationId: 'health',
      summary: 'The process is alive',
      responses: { '200': jsonBody(ref('Health'), 'Alive') },
    },
  },
  '/readyz': {
    get: {
      operationId: 'readiness',
      summary: 'The database answers and the keys are loaded',
      responses: {
        '200': jsonBody(ref('Readiness'), 'Ready'),
        '503': jsonBody(ref('Readiness'), 'Not ready: which check failed'),
      },
    },
  },
  '/.well-known/jwks.json': {
    get: {
      operationId: 'jwks',
      summary: 'The public keys that verify tokens (RS, PS and ES algorithms)',
      responses: {
        '200': jsonBody(ref('Jwks'), 'The keys'),
        '404': jsonBody(ref('Detail'), 'HMAC keys: nothing to publish'),
      },
    },
  },
  '/api/schema/': {
    get: {
      operationId: 'schema',
      summary: 'This document',
      responses: { '200': jsonBody({ type: 'object' }, 'OpenAPI 3.1, as JSON') },
    },
  },
  '/api/docs/': {
    get: {
      operationId: 'reference',
      summary: 'This document, as a page to read',
      responses: {
        '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } },
      },
    },
  },
};

export function openApiDocument(options: DocumentOptions) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'prodstack-kit API',
      version: '1',
      description:
        "JWT authentication with djangorestframework-simplejwt's wire format: access and refresh tokens, rotation, a blacklist and a protected route.",
    },
    paths: { ...tokenPaths(options), ...otherPaths },
    components: {
      schemas,
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        refreshCookie: { type: 'apiKey', in: 'cookie', name: '__Secure-refresh' },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
