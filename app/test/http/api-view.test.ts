import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sendRaw } from '../../../testing/raw-request.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('the views, framed as DRF frames its APIViews', () => {
  let api: TestServer;
  let access: string;

  before(async () => {
    api = await startTestServer();
    await api.createUser('alice', 'pw');
    ({ access } = await api.login('alice', 'pw'));
  });
  after(() => api.stop());

  it('describes a view to OPTIONS: its name, description, media types and POST fields', async () => {
    const reply = await sendRaw(api.url, { method: 'OPTIONS', path: '/api/token/verify/' });
    assert.equal(reply.status, 200);
    assert.equal(reply.headers.allow, 'POST, OPTIONS');
    assert.deepEqual(JSON.parse(reply.text), {
      name: 'Token Verify',
      description:
        "Takes a token and indicates if it is valid.  This view provides no\ninformation about a token's fitness for a particular use.",
      renders: ['application/json'],
      parses: ['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data'],
      actions: {
        POST: { token: { type: 'string', required: true, read_only: false, label: 'Token' } },
      },
    });
  });

  it('describes a protected view only to an authenticated caller', async () => {
    const anonymous = await sendRaw(api.url, { method: 'OPTIONS', path: '/hello/' });
    assert.equal(anonymous.status, 401);
    const reply = await sendRaw(api.url, {
      method: 'OPTIONS',
      path: '/hello/',
      headers: { authorization: `Bearer ${access}` },
    });
    assert.equal(reply.status, 200);
    assert.equal((JSON.parse(reply.text) as { name: string }).name, 'Hello');
  });

  it('puts Allow on every answer of a view, errors included', async () => {
    const login = await api.post('/api/token/', { username: 'alice', password: 'wrong' });
    assert.equal(login.status, 401);
    assert.equal(login.headers.get('allow'), 'POST, OPTIONS');
    const hello = await api.get('/hello/', { token: access });
    assert.equal(hello.headers.get('allow'), 'GET, HEAD, OPTIONS');
  });

  it('answers 406 when Accept refuses JSON, before it looks at credentials', async () => {
    for (const accept of ['application/xml', 'text/html', '']) {
      const reply = await api.get('/hello/', { headers: { accept } });
      assert.equal(reply.status, 406, accept);
      assert.deepEqual(reply.json, { detail: 'Could not satisfy the request Accept header.' });
    }
    for (const accept of ['application/json', 'application/*', '*/*', 'text/html, */*;q=0.1']) {
      const reply = await api.get('/hello/', { token: access, headers: { accept } });
      assert.equal(reply.status, 200, accept);
    }
  });

  it('leaves the routes that are not DRF views to their own media types', async () => {
    const docs = await api.get('/api/docs/', { headers: { accept: 'text/html' } });
    assert.equal(docs.status, 200);
  });
});
