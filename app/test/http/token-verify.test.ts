import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('POST /api/token/verify/', () => {
  let api: TestServer;

  before(async () => {
    api = await startTestServer();
    await api.createUser('alice', 'pw');
  });
  after(() => api.stop());

  it('answers {} for a valid access token and for a valid refresh token', async () => {
    const { access, refresh } = await api.login('alice', 'pw');
    for (const token of [access, refresh]) {
      const reply = await api.post('/api/token/verify/', { token });
      assert.equal(reply.status, 200);
      assert.equal(reply.text, '{}');
    }
  });

  it('refuses a token that is not a JWT with "Token is invalid"', async () => {
    const reply = await api.post('/api/token/verify/', { token: 'not-a-jwt' });
    assert.equal(reply.status, 401);
    assert.equal(reply.text, '{"detail":"Token is invalid","code":"token_not_valid"}');
  });

  it('refuses a blacklisted refresh token as invalid input, as simplejwt does', async () => {
    const { refresh } = await api.login('alice', 'pw');
    await api.post('/api/token/blacklist/', { refresh });
    const reply = await api.post('/api/token/verify/', { token: refresh });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json, { non_field_errors: ['Token is blacklisted'] });
  });

  it('refuses an expired token with "Token is expired"', async () => {
    const { access } = await api.login('alice', 'pw');
    api.clock.advanceSeconds(300);
    const reply = await api.post('/api/token/verify/', { token: access });
    assert.deepEqual(reply.json, { detail: 'Token is expired', code: 'token_not_valid' });
  });

  it('requires the token field', async () => {
    const reply = await api.post('/api/token/verify/', {});
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json, { token: ['This field is required.'] });
  });
});
