/**
 * The OpenAPI document is true: it lists exactly the operations the app routes, and it is what
 * /api/schema/ serves. Every response of the other HTTP tests is checked against it
 * (support/test-server.ts); schemathesis, which refuses a document that is not valid OpenAPI
 * 3.1, fuzzes the API from it (openapi-fuzz.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Express } from 'express';
import { openApiDocument } from '../../src/http/openapi/openapi-document.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every `METHOD path` the Express app routes, read from its router. */
function routedOperations(app: Express): string[] {
  const walk = (layers: Layer[]): string[] =>
    layers.flatMap((layer) => {
      if (layer.route) {
        const { path, methods } = layer.route;
        return Object.keys(methods)
          .filter((method) => method !== '_all')
          .map((method) => `${method.toUpperCase()} ${path}`);
      }
      return walk(layer.handle?.stack ?? []);
    });
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
}

const documentedOperations = (document: ReturnType<typeof openApiDocument>) =>
  Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
  );

describe('the OpenAPI document', () => {
  let api: TestServer;

  before(async () => {
    api = await startTestServer();
  });
  after(() => api.stop());

  it('describes every route the app serves, and no route it does not', () => {
    const document = openApiDocument({ refreshCookie: false });
    const routed = routedOperations(api.server.app).filter(
      // The stylesheet of /api/docs/ is part of that page, not of the API.
      (operation) => operation !== 'GET /api/docs/reference.css',
    );
    assert.deepEqual([...routed].sort(), documentedOperations(document).sort());
  });

  it('is served at /api/schema/ as JSON, for the mode the app runs in', async () => {
    const reply = await api.get('/api/schema/');
    assert.equal(reply.status, 200);
    assert.match(reply.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(
      reply.json,
      JSON.parse(JSON.stringify(openApiDocument({ refreshCookie: false }))),
    );
  });

  it('says in cookie mode that the refresh token travels in its cookie', async () => {
    const cookieApi = await startTestServer({ REFRESH_TOKEN_COOKIE: 'true' });
    try {
      const { json } = await cookieApi.get('/api/schema/');
      const paths = json.paths as Record<string, Record<string, { security?: unknown }>>;
      assert.deepEqual(paths['/api/token/refresh/']?.post?.security, [{ refreshCookie: [] }]);
    } finally {
      await cookieApi.stop();
    }
  });

  it('renders /api/docs/ from the document: every operation, its statuses, no script', async () => {
    const page = await api.get('/api/docs/');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    for (const operation of documentedOperations(openApiDocument({ refreshCookie: false }))) {
      const [method = '', path = ''] = operation.split(' ');
      assert.ok(
        page.text.includes(`<span class="method">${method}</span> <code>${path}</code>`),
        operation,
      );
    }
    assert.doesNotMatch(page.text, /<script/i);
    assert.equal((await api.get('/api/docs/reference.css')).status, 200);
  });
});
