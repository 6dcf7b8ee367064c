/**
 * Brute force through the login endpoint: every attempt counted in the database before any
 * password is hashed, per account from one address (the hard limit), per address, and per
 * account from every address (a higher ceiling); past a limit DRF's 429, at once.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

describe('login throttling', () => {
  let api: TestServer;
  const login = (username: string, password: string, address = '10.0.0.1') =>
    api.post('/api/token/', { username, password }, from(address));
  const guess = (username: string, address?: string) => login(username, 'guess', address);
  const nextWindow = () => {
    api.clock.advanceSeconds(601);
  };

  before(async () => {
    api = await startTestServer({
      TRUST_PROXY: 'loopback',
      LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS: '3',
      LOGIN_FAILURES_PER_ADDRESS: '8',
      LOGIN_FAILURES_PER_ACCOUNT: '6',
      LOGIN_THROTTLE_WINDOW: '10m',
    });
    await api.createUser('alice', 'correct horse');
    await api.createUser('carol', 'battery staple');
  });
  after(() => api.stop());

  it('refuses an account from an address past its limit with 429, Retry-After and DRF’s text', async () => {
    for (let i = 0; i < 3; i += 1) assert.equal((await guess('alice')).status, 401);
    const refused = await login('alice', 'correct horse');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '600');
    assert.deepEqual(refused.json, {
      detail: 'Request was throttled. Expected available in 600 seconds.',
    });
  });

  it('lets the account’s owner in from her own address while a guesser is refused', async () => {
    assert.equal((await login('alice', 'correct horse', '10.0.0.2')).status, 200);
    assert.equal((await guess('alice')).status, 429);
  });

  it('opens the account again when the window closes', async () => {
    nextWindow();
    assert.equal((await login('alice', 'correct horse')).status, 200);
  });

  it('counts unknown accounts like known ones, so a 429 says nothing about who exists', async () => {
    for (let i = 0; i < 3; i += 1) assert.equal((await guess('nobody', '10.0.0.3')).status, 401);
    assert.equal((await guess('nobody', '10.0.0.3')).status, 429);
  });

  it('refuses an address that guesses across many accounts, whichever account it names', async () => {
    nextWindow();
    for (let i = 0; i < 8; i += 1) assert.equal((await guess(`user-${i}`, '10.0.0.4')).status, 401);
    assert.equal((await login('carol', 'battery staple', '10.0.0.4')).status, 429);
    assert.equal((await login('carol', 'battery staple', '10.0.0.5')).status, 200);
  });

  it('holds an account at its ceiling of failures from every address together, the wait in whole minutes', async () => {
    nextWindow();
    for (let i = 0; i < 6; i += 1) assert.equal((await guess('carol', `10.1.0.${i}`)).status, 401);
    api.clock.advanceSeconds(30);
    const refused = await login('carol', 'battery staple', '10.1.0.99');
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '600');
  });

  it('hashes no more concurrent guesses than the limit allows, and refuses the rest at once', async () => {
    nextWindow();
    const answers = await Promise.all(Array.from({ length: 12 }, () => guess('alice', '10.2.0.1')));
    const statuses = answers.map((reply) => reply.status).sort();
    assert.deepEqual(statuses, [...Array<number>(3).fill(401), ...Array<number>(9).fill(429)]);
    const windows = await api.store.loginFailures.open(
      ['account:alice', 'address:10.2.0.1'],
      Math.floor(api.clock.now() / 1000),
      600,
    );
    assert.equal(windows.get('account:alice')?.failures, 3);
    assert.equal(windows.get('address:10.2.0.1')?.failures, 3);
  });

  it('takes a successful login’s attempt back from its address', async () => {
    nextWindow();
    for (let i = 0; i < 7; i += 1)
      assert.equal((await guess(`other-${i}`, '10.3.0.1')).status, 401);
    for (let i = 0; i < 3; i += 1) {
      assert.equal((await login('carol', 'battery staple', '10.3.0.1')).status, 200);
    }
    assert.equal((await guess('other-7', '10.3.0.1')).status, 401);
  });

  it('keeps the counts in the database, where every worker and host sees them', async () => {
    const other = await openStore(api.config.databaseUrl, 0);
    try {
      const at = Math.floor(api.clock.now() / 1000);
      const windows = await other.loginFailures.open(['address:10.3.0.1'], at, 600);
      assert.equal(windows.get('address:10.3.0.1')?.failures, 8);
    } finally {
      await other.close();
    }
  });
});

describe('a login flood on one process', () => {
  let api: TestServer;

  before(async () => {
    api = await startTestServer({
      // Hashes slow enough that a flood of 24 outruns one slot and a queue of 2.
      PASSWORD_SCRYPT_LOG_N: '14',
      PASSWORD_HASH_CONCURRENCY: '1',
      LOGIN_QUEUE_DEPTH: '2',
      LOGIN_FAILURES_PER_ADDRESS: '1000',
      TRUST_PROXY: 'loopback',
    });
    await api.createUser('dora', 'the right one');
  });
  after(() => api.stop());

  it('is answered 503 with Retry-After at once past the queue, and the attempts it refused are not counted', async () => {
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        api.post('/api/token/', { username: `flood-${i % 3}`, password: 'x' }),
      ),
    );
    const busy = answers.filter((reply) => reply.status === 503);
    const [first] = busy;
    assert.ok(first && busy.length >= 12, `503s: ${busy.length} of 24`);
    assert.equal(answers.filter((reply) => reply.status === 401).length, 24 - busy.length);
    assert.equal(first.headers.get('retry-after'), '1');
    assert.deepEqual(first.json, {
      detail: 'Service temporarily unavailable, try again later.',
    });
    const at = Math.floor(api.clock.now() / 1000);
    const windows = await api.store.loginFailures.open(
      ['account:flood-0', 'account:flood-1', 'account:flood-2'],
      at,
      900,
    );
    const counted = [...windows.values()].reduce((sum, window) => sum + window.failures, 0);
    assert.equal(counted, 24 - busy.length);
  });

  it('keeps a place in the queue for a login from an address that has not failed', async () => {
    const flood = (n: number) =>
      api.post('/api/token/', { username: `flood-${n}`, password: 'x' }, from('10.6.6.6'));
    assert.equal((await flood(0)).status, 401);
    const answers = Array.from({ length: 12 }, (_, n) => flood(n + 1));
    const real = api.post(
      '/api/token/',
      { username: 'dora', password: 'the right one' },
      from('10.7.7.7'),
    );
    const realReply = await real;
    assert.equal(realReply.status, 200, realReply.text);
    const statuses = (await Promise.all(answers)).map((reply) => reply.status);
    assert.ok(statuses.includes(503), `flood: ${statuses.join(' ')}`);
  });

  it('lets a real login through once the flood has drained', async () => {
    assert.equal(
      (await api.post('/api/token/', { username: 'dora', password: 'the right one' })).status,
      200,
    );
  });
});
