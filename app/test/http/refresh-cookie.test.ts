import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const cookieOf = (setCookie: string | null) =>
  /__Secure-refresh=([^;]*)/.exec(setCookie ?? '')?.[1];

describe('cookie mode (REFRESH_TOKEN_COOKIE=true)', () => {
  let api: TestServer;

  before(async () => {
    api = await startTestServer({ REFRESH_TOKEN_COOKIE: 'true' });
    await api.createUser('alice', 'pw');
  });
  after(() => api.stop());

  it('puts the refresh token in a Secure, HttpOnly, SameSite=Strict cookie, not the body', async () => {
    const reply = await api.post('/api/token/', { username: 'alice', password: 'pw' });
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.json), ['access']);
    const setCookie = reply.headers.get('set-cookie') ?? '';
    assert.ok(cookieOf(setCookie));
    for (const attribute of [
      'Path=/api/token/',
      'HttpOnly',
      'Secure',
      'SameSite=Strict',
      'Max-Age=86400',
    ]) {
      assert.ok(setCookie.includes(attribute), `${attribute} in ${setCookie}`);
    }
  });

  it('refreshes from the cookie and rotates it', async () => {
    const login = await api.post('/api/token/', { username: 'alice', password: 'pw' });
    const first = cookieOf(login.headers.get('set-cookie'));
    const reply = await api.post(
      '/api/token/refresh/',
      {},
      { headers: { cookie: `__Secure-refresh=${first ?? ''}` } },
    );
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.json), ['access']);
    const second = cookieOf(reply.headers.get('set-cookie'));
    assert.ok(second && second !== first);
  });

  it('logs out from the cookie and clears it', async () => {
    const login = await api.post('/api/token/', { username: 'alice', password: 'pw' });
    const token = cookieOf(login.headers.get('set-cookie')) ?? '';
    const reply = await api.post(
      '/api/token/blacklist/',
      {},
      { headers: { cookie: `__Secure-refresh=${token}` } },
    );
    assert.equal(reply.status, 200);
    assert.match(
      reply.headers.get('set-cookie') ?? '',
      /__Secure-refresh=;.*Expires=Thu, 01 Jan 1970/,
    );
    const again = await api.post(
      '/api/token/refresh/',
      {},
      { headers: { cookie: `__Secure-refresh=${token}` } },
    );
    assert.equal(again.status, 401);
  });

  it('asks for the refresh token when neither body nor cookie has it', async () => {
    const reply = await api.post('/api/token/refresh/', {});
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json, { refresh: ['This field is required.'] });
  });
});
