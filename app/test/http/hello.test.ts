import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { sendRaw } from '../../../testing/raw-request.ts';
import { testSecret } from '../../../testing/test-secret.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const notValid = (message: string) => ({
  detail: 'Given token not valid for any token type',
  code: 'token_not_valid',
  messages: [{ token_class: 'AccessToken', token_type: 'access', message }],
});

describe('GET /hello/ (a route behind requireAccessToken)', () => {
  let api: TestServer;
  let access: string;

  before(async () => {
    api = await startTestServer();
    await api.createUser('alice', 'pw');
    ({ access } = await api.login('alice', 'pw'));
  });
  after(() => api.stop());

  it('greets a caller with a valid access token', async () => {
    const reply = await api.get('/hello/', { token: access });
    assert.equal(reply.status, 200);
    assert.equal(reply.text, '{"message":"Hello, World!"}');
  });

  it('asks for credentials when there are none, with WWW-Authenticate', async () => {
    const reply = await api.get('/hello/');
    assert.equal(reply.status, 401);
    assert.equal(reply.text, '{"detail":"Authentication credentials were not provided."}');
    assert.equal(reply.headers.get('www-authenticate'), 'Bearer realm="api"');
  });

  it('treats another scheme as no credentials, as simplejwt does', async () => {
    const reply = await api.get('/hello/', { headers: { authorization: `Basic ${access}` } });
    assert.deepEqual(reply.json, { detail: 'Authentication credentials were not provided.' });
  });

  it('refuses a Bearer header without exactly one token', async () => {
    const reply = await api.get('/hello/', {
      headers: { authorization: `Bearer ${access} extra` },
    });
    assert.equal(reply.status, 401);
    assert.deepEqual(reply.json, {
      detail: 'Authorization header must contain two space-delimited values',
      code: 'bad_authorization_header',
    });
  });

  it('lists why each token class refused a bad token', async () => {
    const reply = await api.get('/hello/', { token: 'garbage' });
    assert.equal(reply.status, 401);
    assert.equal(reply.text, JSON.stringify(notValid('Token is invalid')));
  });

  it('refuses a refresh token used as an access token', async () => {
    const { refresh } = await api.login('alice', 'pw');
    const reply = await api.get('/hello/', { token: refresh });
    assert.deepEqual(reply.json, notValid('Token has wrong type'));
  });

  it('refuses an expired access token', async () => {
    const { access: shortLived } = await api.login('alice', 'pw');
    api.clock.advanceSeconds(300);
    const reply = await api.get('/hello/', { token: shortLived });
    assert.deepEqual(reply.json, notValid('Token is expired'));
  });

  it('refuses the token of a user who no longer exists or is inactive', async () => {
    const now = api.clock.now() / 1000;
    const claims = { token_type: 'access', exp: now + 60, iat: now, jti: 'a'.repeat(32) };
    const ghost = jwt.sign({ ...claims, user_id: 999 }, testSecret, { algorithm: 'HS256' });
    assert.deepEqual((await api.get('/hello/', { token: ghost })).json, {
      detail: 'User not found',
      code: 'user_not_found',
    });
    const dave = await api.createUser('dave', 'pw');
    const { access: davesToken } = await api.login('dave', 'pw');
    await api.store.users.setActive(dave.id, false);
    assert.deepEqual((await api.get('/hello/', { token: davesToken })).json, {
      detail: 'User is inactive',
      code: 'user_inactive',
    });
  });

  it('refuses two Authorization headers as one malformed header, as simplejwt under WSGI does', async () => {
    const { access: fresh } = await api.login('alice', 'pw');
    const reply = await sendRaw(api.url, {
      method: 'GET',
      path: '/hello/',
      headers: { authorization: [`Bearer ${fresh}`, `Bearer ${fresh}`] },
    });
    assert.equal(reply.status, 401);
    assert.deepEqual(JSON.parse(reply.text), {
      detail: 'Authorization header must contain two space-delimited values',
      code: 'bad_authorization_header',
    });
  });

  it('answers only GET, once the caller is authenticated, as DRF does', async () => {
    const { access: fresh } = await api.login('alice', 'pw');
    const reply = await api.post('/hello/', {}, { token: fresh });
    assert.equal(reply.status, 405);
    assert.equal(reply.headers.get('allow'), 'GET, HEAD, OPTIONS');
    const anonymous = await api.post('/hello/', {});
    assert.equal(anonymous.status, 401);
    assert.deepEqual(anonymous.json, { detail: 'Authentication credentials were not provided.' });
  });
});
