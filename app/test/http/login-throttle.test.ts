/**
 * Brute force through the login endpoint: failed logins counted per account and per address in
 * the database, refused with DRF's 429 past a limit, before any password is hashed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe('login throttling', () => {
  let api: TestServer;
  const guess = (username: string) => api.post('/api/token/', { username, password: 'guess' });

  before(async () => {
    api = await startTestServer({
      LOGIN_FAILURES_PER_ACCOUNT: '3',
      LOGIN_FAILURES_PER_ADDRESS: '8',
      LOGIN_THROTTLE_WINDOW: '10m',
    });
    await api.createUser('alice', 'correct horse');
    await api.createUser('carol', 'battery staple');
  });
  after(() => api.stop());

  it('refuses an account after its limit of failures with 429, Retry-After and DRF’s text', async () => {
    for (let i = 0; i < 3; i += 1) assert.equal((await guess('alice')).status, 401);
    const refused = await api.post('/api/token/', { username: 'alice', password: 'correct horse' });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '600');
    assert.deepEqual(refused.json, {
      detail: 'Request was throttled. Expected available in 600 seconds.',
    });
  });

  it('keeps other accounts open, and opens the account again when the window closes', async () => {
    assert.equal(
      (await api.post('/api/token/', { username: 'carol', password: 'battery staple' })).status,
      200,
    );
    api.clock.advanceSeconds(601);
    assert.equal(
      (await api.post('/api/token/', { username: 'alice', password: 'correct horse' })).status,
      200,
    );
  });

  it('counts unknown accounts like known ones, so a 429 says nothing about who exists', async () => {
    for (let i = 0; i < 3; i += 1) assert.equal((await guess('nobody')).status, 401);
    const refused = await guess('nobody');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '600');
  });

  it('refuses an address that guesses across many accounts, whichever account it names', async () => {
    api.clock.advanceSeconds(601);
    for (let i = 0; i < 8; i += 1) assert.equal((await guess(`user-${i}`)).status, 401);
    assert.equal(
      (await api.post('/api/token/', { username: 'carol', password: 'battery staple' })).status,
      429,
    );
  });

  it('keeps the counts in the database, where every worker and host sees them', async () => {
    const other = await openStore(api.config.databaseUrl, 0);
    try {
      const at = Math.floor(api.clock.now() / 1000);
      const windows = await other.loginFailures.open(['address:127.0.0.1'], at, 600);
      assert.equal(windows.get('address:127.0.0.1')?.failures, 8);
    } finally {
      await other.close();
    }
  });
});
