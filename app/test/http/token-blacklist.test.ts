import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const blacklisted = { detail: 'Token is blacklisted', code: 'token_not_valid' };

describe('POST /api/token/blacklist/', () => {
  let api: TestServer;

  before(async () => {
    api = await startTestServer();
    await api.createUser('alice', 'pw');
  });
  after(() => api.stop());

  it('answers {} and the refresh token stops working', async () => {
    const { refresh } = await api.login('alice', 'pw');
    const reply = await api.post('/api/token/blacklist/', { refresh });
    assert.equal(reply.status, 200);
    assert.equal(reply.text, '{}');
    const refreshed = await api.post('/api/token/refresh/', { refresh });
    assert.equal(refreshed.status, 401);
    assert.deepEqual(refreshed.json, blacklisted);
  });

  it('refuses to blacklist a token twice', async () => {
    const { refresh } = await api.login('alice', 'pw');
    await api.post('/api/token/blacklist/', { refresh });
    const again = await api.post('/api/token/blacklist/', { refresh });
    assert.equal(again.status, 401);
    assert.deepEqual(again.json, blacklisted);
  });

  it('refuses an access token', async () => {
    const { access } = await api.login('alice', 'pw');
    const reply = await api.post('/api/token/blacklist/', { refresh: access });
    assert.deepEqual(reply.json, { detail: 'Token has wrong type', code: 'token_not_valid' });
  });

  it('keeps the blacklist across a server restart', async () => {
    const { refresh } = await api.login('alice', 'pw');
    await api.post('/api/token/blacklist/', { refresh });
    await api.restart();
    const reply = await api.post('/api/token/refresh/', { refresh });
    assert.equal(reply.status, 401);
    assert.deepEqual(reply.json, blacklisted);
  });
});
