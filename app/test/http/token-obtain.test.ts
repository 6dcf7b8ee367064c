import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const loginFailure = '{"detail":"No active account found with the given credentials"}';

describe('POST /api/token/', () => {
  let api: TestServer;

  before(async () => {
    api = await startTestServer();
    await api.createUser('alice', 'correct horse');
    const bob = await api.createUser('bob', 'battery staple');
    await api.store.users.setActive(bob.id, false);
  });
  after(() => api.stop());

  it('returns a refresh and an access token for valid credentials', async () => {
    const reply = await api.post('/api/token/', { username: 'alice', password: 'correct horse' });
    assert.equal(reply.status, 200);
    assert.deepEqual(Object.keys(reply.json), ['refresh', 'access']);
  });

  it('tells every cache not to store its answers, as RFC 6749 asks of token responses', async () => {
    for (const reply of [
      await api.post('/api/token/', { username: 'alice', password: 'correct horse' }),
      await api.post('/api/token/', { username: 'alice', password: 'wrong' }),
      await api.post('/api/token/refresh/', { refresh: 'x' }),
    ]) {
      assert.equal(reply.headers.get('cache-control'), 'no-store', String(reply.status));
      assert.equal(reply.headers.get('pragma'), 'no-cache');
    }
  });

  it('issues tokens with simplejwt claims, a kid and the pinned algorithm', async () => {
    const { access, refresh } = await api.login('alice', 'correct horse');
    const now = api.clock.now() / 1000;
    const decodedRefresh = jwt.decode(refresh, { complete: true });
    const decodedAccess = jwt.decode(access, { complete: true });
    assert.ok(decodedRefresh && decodedAccess);
    assert.equal(decodedRefresh.header.alg, 'HS256');
    assert.equal(decodedRefresh.header.kid, api.server.keys.signing.kid);
    assert.deepEqual(Object.keys(decodedRefresh.payload as object), [
      'token_type',
      'exp',
      'iat',
      'jti',
      'user_id',
    ]);
    assert.deepEqual(decodedRefresh.payload, {
      token_type: 'refresh',
      exp: now + 24 * 3600,
      iat: now,
      jti: (decodedRefresh.payload as { jti: string }).jti,
      user_id: '1',
    });
    const accessClaims = decodedAccess.payload as Record<string, unknown>;
    assert.equal(accessClaims.token_type, 'access');
    assert.equal(accessClaims.exp, now + 300);
    assert.match(String(accessClaims.jti), /^[0-9a-f]{32}$/);
    assert.notEqual(accessClaims.jti, (decodedRefresh.payload as { jti: string }).jti);
  });

  it('answers a wrong password, an unknown user and an inactive user with the same bytes', async () => {
    const replies = await Promise.all([
      api.post('/api/token/', { username: 'alice', password: 'wrong' }),
      api.post('/api/token/', { username: 'nobody', password: 'wrong' }),
      api.post('/api/token/', { username: 'bob', password: 'battery staple' }),
    ]);
    for (const reply of replies) {
      assert.equal(reply.status, 401);
      assert.equal(reply.text, loginFailure);
      assert.equal(reply.headers.get('www-authenticate'), 'Bearer realm="api"');
    }
  });

  it('names every missing field', async () => {
    const reply = await api.post('/api/token/', {});
    assert.equal(reply.status, 400);
    assert.equal(
      reply.text,
      '{"username":["This field is required."],"password":["This field is required."]}',
    );
  });

  it('refuses null, blank and non-text fields with DRF texts, and reads a number as text', async () => {
    const reply = await api.post('/api/token/', { username: null, password: '   ' });
    assert.deepEqual(reply.json, {
      username: ['This field may not be null.'],
      password: ['This field may not be blank.'],
    });
    const typed = await api.post('/api/token/', { username: ['alice'], password: true });
    assert.equal(typed.status, 400);
    assert.deepEqual(typed.json, {
      username: ['Not a valid string.'],
      password: ['Not a valid string.'],
    });
    const numbered = await api.post('/api/token/', { username: 'alice', password: 1 });
    assert.deepEqual(numbered.json, {
      detail: 'No active account found with the given credentials',
    });
  });

  it('accepts an HTML form body as DRF does', async () => {
    const reply = await api.post('/api/token/', undefined, {
      body: 'username=alice&password=correct+horse',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(reply.status, 200);
  });

  it('reads a repeated form field as its last value, as Django does', async () => {
    const reply = await api.post('/api/token/', undefined, {
      body: 'username=mallory&username=alice&password=correct+horse',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(reply.status, 200);
  });

  it('accepts a multipart body as DRF does, and reads past its files', async () => {
    const form = new FormData();
    form.append('username', 'alice');
    form.append('attachment', new Blob(['ignored']), 'notes.txt');
    form.append('password', 'correct horse');
    const reply = await fetch(`${api.url}/api/token/`, { method: 'POST', body: form });
    assert.equal(reply.status, 200);
    const broken = await api.post('/api/token/', undefined, {
      body: 'not multipart at all',
      headers: { 'content-type': 'multipart/form-data' },
    });
    assert.equal(broken.status, 400);
    assert.match(String(broken.json.detail), /^Multipart form parse error - /);
  });

  it('answers a JSON null with "No data provided", as DRF does', async () => {
    const reply = await api.post('/api/token/', undefined, {
      body: 'null',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json, { non_field_errors: ['No data provided'] });
  });

  it('refuses NUL characters and lone surrogates in a field with DRF texts', async () => {
    const reply = await api.post('/api/token/', undefined, {
      body: '{"username": "ali\\u0000ce", "password": "\\ud800x"}',
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(reply.json, {
      username: ['Null characters are not allowed.'],
      password: ['Surrogate characters are not allowed: U+D800.'],
    });
  });

  it('records the time of the login on the user', async () => {
    api.clock.advanceSeconds(60);
    await api.login('alice', 'correct horse');
    const alice = await api.store.users.findByUsername('alice');
    assert.equal(alice?.lastLogin, api.clock.now() / 1000);
  });
});

describe('POST /api/token/ without user enumeration', () => {
  const median = (values: number[]) =>
    values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

  it('spends as long on an unknown user as on a wrong password', async () => {
    // A cost high enough that scrypt dominates: without equal work an unknown user would answer
    // in about 1% of the time of a wrong password.
    const api = await startTestServer({ PASSWORD_SCRYPT_LOG_N: '14' });
    await api.createUser('alice', 'secret');
    const timeOf = async (username: string) => {
      const started = performance.now();
      await api.post('/api/token/', { username, password: 'not it' });
      return performance.now() - started;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let round = 0; round < 7; round += 1) {
      wrong.push(await timeOf('alice'));
      unknown.push(await timeOf('nobody'));
    }
    await api.stop();
    const ratio = median(unknown) / median(wrong);
    assert.ok(ratio > 0.5 && ratio < 2, `unknown/wrong time ratio ${ratio.toFixed(2)}`);
  });
});
