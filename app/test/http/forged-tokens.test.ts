import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { testSecret } from '../../../testing/test-secret.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The claims of a valid access token for user 1, at the server's current time. */
const validClaims = (api: TestServer) => {
  const now = api.clock.now() / 1000;
  return { token_type: 'access', exp: now + 60, iat: now, jti: 'f'.repeat(32), user_id: 1 };
};

/** How /hello/ describes a refused access token. */
async function refusal(api: TestServer, token: string): Promise<string> {
  const reply = await api.get('/hello/', { token });
  assert.equal(reply.status, 401, reply.text);
  const messages = reply.json.messages as { message: string }[] | undefined;
  return messages?.[0]?.message ?? String(reply.json.detail);
}

describe('forged and malformed tokens under HS256', () => {
  let api: TestServer;
  let now: number;
  let kid: string;
  const claims = () => validClaims(api);
  const sign = (payload: object, key: string = testSecret, options: jwt.SignOptions = {}) =>
    jwt.sign(payload, key, { algorithm: 'HS256', keyid: kid, ...options });

  before(async () => {
    api = await startTestServer({ JWT_LEEWAY: '10s' });
    await api.createUser('alice', 'pw');
    now = api.clock.now() / 1000;
    kid = api.server.keys.signing.kid;
  });
  after(() => api.stop());

  it('accepts a correctly signed token (the control)', async () => {
    assert.equal((await api.get('/hello/', { token: sign(claims()) })).status, 200);
  });

  it('refuses alg "none"', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`;
    assert.equal(await refusal(api, token), 'Token is invalid');
  });

  it('refuses a tampered payload', async () => {
    const [header, , signature] = sign(claims()).split('.');
    const token = `${header}.${base64url({ ...claims(), user_id: 2 })}.${signature}`;
    assert.equal(await refusal(api, token), 'Token is invalid');
  });

  it('refuses a token signed with another key', async () => {
    assert.equal(
      await refusal(api, sign(claims(), 'another-secret-that-is-long-enough-too')),
      'Token is invalid',
    );
  });

  it('refuses HS512 when HS256 is configured', async () => {
    const token = jwt.sign(claims(), testSecret, { algorithm: 'HS512', keyid: kid });
    assert.equal(await refusal(api, token), 'Token is invalid');
  });

  it('refuses an unknown kid', async () => {
    assert.equal(
      await refusal(api, sign(claims(), testSecret, { keyid: 'unknown' })),
      'Token is invalid',
    );
  });

  it('refuses a token without exp', async () => {
    const { exp: _exp, ...noExp } = claims();
    assert.equal(await refusal(api, sign(noExp)), "Token has no 'exp' claim");
  });

  it('refuses a token without jti or without token_type', async () => {
    const { jti: _jti, ...noJti } = claims();
    assert.equal(await refusal(api, sign(noJti)), 'Token has no id');
    const { token_type: _type, ...noType } = claims();
    assert.equal(await refusal(api, sign(noType)), 'Token has no type');
  });

  it('refuses a token without user_id', async () => {
    const { user_id: _user, ...noUser } = claims();
    const reply = await api.get('/hello/', { token: sign(noUser) });
    assert.deepEqual(reply.json, {
      detail: 'Token contained no recognizable user identification',
      code: 'token_not_valid',
    });
  });

  it('accepts expiry within the leeway and refuses it beyond', async () => {
    assert.equal(
      (await api.get('/hello/', { token: sign({ ...claims(), exp: now - 5 }) })).status,
      200,
    );
    assert.equal(await refusal(api, sign({ ...claims(), exp: now - 11 })), 'Token is expired');
  });

  it('refuses a token whose nbf is in the future', async () => {
    assert.equal(await refusal(api, sign({ ...claims(), nbf: now + 60 })), 'Token is invalid');
  });

  it('refuses a token issued in the future beyond the leeway, as PyJWT does for simplejwt', async () => {
    assert.equal(
      (await api.get('/hello/', { token: sign({ ...claims(), iat: now + 5 }) })).status,
      200,
    );
    assert.equal(await refusal(api, sign({ ...claims(), iat: now + 60 })), 'Token is invalid');
    // jsonwebtoken will not sign a text iat: the token is made by hand.
    const unsigned = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ ...claims(), iat: 'yesterday' })}`;
    const textIat = `${unsigned}.${createHmac('sha256', testSecret).update(unsigned).digest('base64url')}`;
    assert.equal(await refusal(api, textIat), 'Token is invalid');
  });

  it('reads user_id as simplejwt writes it, a string, or as a number', async () => {
    for (const userId of ['1', 1]) {
      const reply = await api.get('/hello/', { token: sign({ ...claims(), user_id: userId }) });
      assert.equal(reply.status, 200);
    }
    assert.equal(
      await refusal(api, sign({ ...claims(), user_id: 'one' })),
      'Token contained no recognizable user identification',
    );
  });
});

describe('audience and issuer', () => {
  let api: TestServer;
  before(async () => {
    api = await startTestServer({
      JWT_AUDIENCE: 'kit-clients',
      JWT_ISSUER: 'https://auth.example',
    });
    await api.createUser('alice', 'pw');
  });
  after(() => api.stop());

  it('writes aud and iss into the tokens it issues and accepts them', async () => {
    const { access } = await api.login('alice', 'pw');
    const claims = jwt.decode(access, { json: true });
    assert.equal(claims?.aud, 'kit-clients');
    assert.equal(claims.iss, 'https://auth.example');
    assert.equal((await api.get('/hello/', { token: access })).status, 200);
  });

  it('refuses a wrong audience or a wrong issuer', async () => {
    const base = validClaims(api);
    const kid = api.server.keys.signing.kid;
    for (const payload of [
      { ...base, aud: 'someone-else', iss: 'https://auth.example' },
      { ...base, aud: 'kit-clients', iss: 'https://evil.example' },
      base,
    ]) {
      const token = jwt.sign(payload, testSecret, { algorithm: 'HS256', keyid: kid });
      assert.equal(await refusal(api, token), 'Token is invalid');
    }
  });
});

describe('forged tokens under RS256', () => {
  let api: TestServer;
  let publicPem: string;

  before(async () => {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const privatePem = pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    publicPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    api = await startTestServer({ JWT_ALGORITHM: 'RS256', JWT_SIGNING_KEY: privatePem });
    await api.createUser('alice', 'pw');
  });
  after(() => api.stop());

  it('issues RS256 tokens that its own public key verifies', async () => {
    const { access } = await api.login('alice', 'pw');
    assert.equal(jwt.decode(access, { complete: true })?.header.alg, 'RS256');
    assert.equal((await api.get('/hello/', { token: access })).status, 200);
  });

  it('refuses HS256 signed with the RSA public key as the secret', async () => {
    const payload = validClaims(api);
    const header = base64url({ alg: 'HS256', typ: 'JWT', kid: api.server.keys.signing.kid });
    const body = base64url(payload);
    const signature = createHmac('sha256', publicPem)
      .update(`${header}.${body}`)
      .digest('base64url');
    assert.equal(await refusal(api, `${header}.${body}.${signature}`), 'Token is invalid');
  });

  it('refuses a token signed by another RSA key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    const payload = validClaims(api);
    const token = jwt.sign(payload, other, {
      algorithm: 'RS256',
      keyid: api.server.keys.signing.kid,
    });
    assert.equal(await refusal(api, token), 'Token is invalid');
  });
});
