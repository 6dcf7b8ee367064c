import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { userServiceFor } from '../../src/services.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('POST /api/token/logout-all/', () => {
  let api: TestServer;

  before(async () => {
    api = await startTestServer();
    await api.createUser('alice', 'pw');
    await api.createUser('bob', 'pw');
  });
  after(() => api.stop());

  it("revokes every refresh token of the caller and no one else's", async () => {
    const laptop = await api.login('alice', 'pw');
    const phone = await api.login('alice', 'pw');
    const bob = await api.login('bob', 'pw');

    const reply = await api.post('/api/token/logout-all/', {}, { token: laptop.access });
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json, { revoked: 2 });

    for (const { refresh } of [laptop, phone]) {
      const refreshed = await api.post('/api/token/refresh/', { refresh });
      assert.deepEqual(refreshed.json, { detail: 'Token is blacklisted', code: 'token_not_valid' });
    }
    assert.equal((await api.post('/api/token/refresh/', { refresh: bob.refresh })).status, 200);
  });

  it('needs an access token', async () => {
    const reply = await api.post('/api/token/logout-all/', {});
    assert.equal(reply.status, 401);
    assert.deepEqual(reply.json, { detail: 'Authentication credentials were not provided.' });
  });
});

describe('changing a password', () => {
  it("revokes the user's refresh tokens", async () => {
    const api = await startTestServer();
    try {
      await api.createUser('alice', 'old');
      const { refresh } = await api.login('alice', 'old');
      const users = userServiceFor(api.config, api.store, api.clock);
      assert.equal(await users.setPassword('alice', 'new'), 1);
      const reply = await api.post('/api/token/refresh/', { refresh });
      assert.deepEqual(reply.json, { detail: 'Token is blacklisted', code: 'token_not_valid' });
      assert.equal(
        (await api.post('/api/token/', { username: 'alice', password: 'new' })).status,
        200,
      );
    } finally {
      await api.stop();
    }
  });
});

describe('an access token issued before a password change or logout-all', () => {
  it('keeps working until its exp and no longer, as documented (ACCESS_TOKEN_LIFETIME)', async () => {
    const api = await startTestServer({ ACCESS_TOKEN_LIFETIME: '5m' });
    try {
      await api.createUser('alice', 'old');
      const before = await api.login('alice', 'old');
      const users = userServiceFor(api.config, api.store, api.clock);
      await users.setPassword('alice', 'new');
      await api.post('/api/token/logout-all/', {}, { token: before.access });
      api.clock.advanceSeconds(299);
      assert.equal((await api.get('/hello/', { token: before.access })).status, 200);
      api.clock.advanceSeconds(2);
      const expired = await api.get('/hello/', { token: before.access });
      assert.equal(expired.status, 401);
    } finally {
      await api.stop();
    }
  });
});
