import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('health endpoints', () => {
  let api: TestServer;

  before(async () => {
    api = await startTestServer();
  });
  after(() => api.stop());

  it('GET /healthz says the process is alive', async () => {
    const reply = await api.get('/healthz');
    assert.equal(reply.status, 200);
    assert.equal(reply.json.status, 'ok');
  });

  it('GET /readyz reports the database and the keys', async () => {
    const reply = await api.get('/readyz');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json, { status: 'ready', checks: { database: 'ok', keys: 'ok' } });
  });

  it('echoes the request id it was given, and makes one otherwise', async () => {
    const given = await api.get('/healthz', { headers: { 'x-request-id': 'req-123' } });
    assert.equal(given.headers.get('x-request-id'), 'req-123');
    const made = await api.get('/healthz');
    assert.match(String(made.headers.get('x-request-id')), /^[0-9a-f-]{36}$/);
  });
});
