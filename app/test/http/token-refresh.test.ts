import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const blacklisted = { detail: 'Token is blacklisted', code: 'token_not_valid' };

describe('POST /api/token/refresh/ with rotation (the default)', () => {
  let api: TestServer;

  before(async () => {
    api = await startTestServer();
    await api.createUser('alice', 'pw');
  });
  after(() => api.stop());

  it('returns a new access token and a new refresh token', async () => {
    const { refresh } = await api.login('alice', 'pw');
    api.clock.advanceSeconds(10);
    const reply = await api.post('/api/token/refresh/', { refresh });
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.json), ['access', 'refresh']);
    const next = jwt.decode(String(reply.json.refresh)) as Record<string, number>;
    assert.equal(next.iat, api.clock.now() / 1000);
    assert.equal(next.exp, next.iat + 24 * 3600);
    const hello = await api.get('/hello/', { token: String(reply.json.access) });
    assert.equal(hello.status, 200);
  });

  it('refuses the rotated token afterwards', async () => {
    const { refresh } = await api.login('alice', 'pw');
    assert.equal((await api.post('/api/token/refresh/', { refresh })).status, 200);
    const again = await api.post('/api/token/refresh/', { refresh });
    assert.equal(again.status, 401);
    assert.deepEqual(again.json, blacklisted);
  });

  it('revokes the whole family when a rotated token is presented again', async () => {
    const { refresh: first } = await api.login('alice', 'pw');
    const second = String((await api.post('/api/token/refresh/', { refresh: first })).json.refresh);
    const third = String((await api.post('/api/token/refresh/', { refresh: second })).json.refresh);
    const { refresh: otherLogin } = await api.login('alice', 'pw');

    assert.equal((await api.post('/api/token/refresh/', { refresh: first })).status, 401);

    const descendant = await api.post('/api/token/refresh/', { refresh: third });
    assert.equal(descendant.status, 401);
    assert.deepEqual(descendant.json, blacklisted);
    const reason = await api.store.tokens.findBlacklisting(
      String(jwt.decode(third, { json: true })?.jti),
    );
    assert.equal(reason?.reason, 'reuse');
    assert.equal((await api.post('/api/token/refresh/', { refresh: otherLogin })).status, 200);
  });

  it('lets exactly one of ten concurrent refreshes of one token win', async () => {
    const { refresh } = await api.login('alice', 'pw');
    const replies = await Promise.all(
      Array.from({ length: 10 }, () => api.post('/api/token/refresh/', { refresh })),
    );
    const statuses = replies.map((reply) => reply.status).sort();
    assert.deepEqual(statuses, [200, 401, 401, 401, 401, 401, 401, 401, 401, 401]);
    for (const reply of replies.filter((r) => r.status === 401)) {
      assert.deepEqual(reply.json, blacklisted);
    }
  });

  it('refuses an access token with "Token has wrong type"', async () => {
    const { access } = await api.login('alice', 'pw');
    const reply = await api.post('/api/token/refresh/', { refresh: access });
    assert.equal(reply.status, 401);
    assert.deepEqual(reply.json, { detail: 'Token has wrong type', code: 'token_not_valid' });
  });

  it('refuses an expired refresh token with "Token is expired"', async () => {
    const { refresh } = await api.login('alice', 'pw');
    api.clock.advanceSeconds(24 * 3600);
    const reply = await api.post('/api/token/refresh/', { refresh });
    assert.equal(reply.status, 401);
    assert.deepEqual(reply.json, { detail: 'Token is expired', code: 'token_not_valid' });
  });

  it('refuses the refresh token of a deactivated user', async () => {
    const carol = await api.createUser('carol', 'pw');
    const { refresh } = await api.login('carol', 'pw');
    await api.store.users.setActive(carol.id, false);
    const reply = await api.post('/api/token/refresh/', { refresh });
    assert.equal(reply.status, 401);
    assert.equal(reply.text, '{"detail":"No active account found for the given token."}');
  });

  it('requires the refresh field', async () => {
    const reply = await api.post('/api/token/refresh/', {});
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json, { refresh: ['This field is required.'] });
  });
});

describe('POST /api/token/refresh/ with ROTATE_REFRESH_TOKENS=false', () => {
  let api: TestServer;

  before(async () => {
    api = await startTestServer({ ROTATE_REFRESH_TOKENS: 'false' });
    await api.createUser('alice', 'pw');
  });
  after(() => api.stop());

  it('returns an access token only, and the refresh token keeps working', async () => {
    const { refresh } = await api.login('alice', 'pw');
    for (let round = 0; round < 2; round += 1) {
      const reply = await api.post('/api/token/refresh/', { refresh });
      assert.equal(reply.status, 200);
      assert.deepEqual(Object.keys(reply.json), ['access']);
    }
  });
});
