/**
 * With PROXY_SECRET, the client address that failed logins count against comes from
 * X-Forwarded-For only when nginx, which knows the secret, sent the request.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('X-Forwarded-For with a proxy secret', () => {
  let api: TestServer;
  const guessFrom = (headers: Record<string, string>) =>
    api.post('/api/token/', { username: 'someone', password: 'guess' }, { headers });
  const counted = async (address: string) => {
    const at = Math.floor(api.clock.now() / 1000);
    const key = `address:${address}`;
    return (await api.store.loginFailures.open([key], at, 900)).get(key)?.failures ?? 0;
  };

  before(async () => {
    api = await startTestServer({ TRUST_PROXY: 'loopback', PROXY_SECRET: 'nginx-knows-this' });
  });
  after(() => api.stop());

  it('is believed from a request that carries the secret', async () => {
    await guessFrom({ 'x-forwarded-for': '203.0.113.7', 'x-proxy-secret': 'nginx-knows-this' });
    assert.equal(await counted('203.0.113.7'), 1);
  });

  it('is ignored from a local process without it, or with a wrong one: the peer’s address counts', async () => {
    await guessFrom({ 'x-forwarded-for': '203.0.113.8' });
    await guessFrom({ 'x-forwarded-for': '203.0.113.8', 'x-proxy-secret': 'a guess' });
    assert.equal(await counted('203.0.113.8'), 0);
    assert.equal(await counted('127.0.0.1'), 2);
  });
});
