import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, type JsonWebKey } from 'node:crypto';
import { after, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { FakeClock } from '../support/fake-clock.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { tempDir } from '../../../testing/temp-dir.ts';

const pem = (curve: string) => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: curve });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
};

describe('GET /.well-known/jwks.json', () => {
  const servers: TestServer[] = [];
  after(() => Promise.all(servers.map((s) => s.stop())));

  it('publishes the public key that verifies the tokens, under their kid', async () => {
    const { privatePem } = pem('prime256v1');
    const api = await startTestServer({ JWT_ALGORITHM: 'ES256', JWT_SIGNING_KEY: privatePem });
    servers.push(api);
    await api.createUser('alice', 'pw');
    const { access } = await api.login('alice', 'pw');

    const reply = await api.get('/.well-known/jwks.json');
    assert.equal(reply.status, 200);
    const keys = reply.json.keys as (JsonWebKey & { kid: string })[];
    assert.equal(keys.length, 1);
    const [jwk] = keys;
    assert.equal(jwk?.d, undefined, 'no private part');
    assert.equal(jwk?.alg, 'ES256');
    const header = jwt.decode(access, { complete: true })?.header;
    assert.ok(jwk);
    assert.equal(header?.kid, jwk.kid);
    const publicKey = createPublicKey({ key: jwk, format: 'jwk' });
    const clockTimestamp = api.clock.now() / 1000;
    assert.doesNotThrow(() =>
      jwt.verify(access, publicKey, { algorithms: ['ES256'], clockTimestamp }),
    );
  });

  it('is 404 under an HMAC algorithm, whose keys are secret', async () => {
    const api = await startTestServer();
    servers.push(api);
    const reply = await api.get('/.well-known/jwks.json');
    assert.equal(reply.status, 404);
    assert.deepEqual(reply.json, { detail: 'Not found.' });
  });

  it('rotates keys without logging anyone out: the old key keeps verifying', async () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const oldKey = pem('prime256v1');
    const newKey = pem('prime256v1');
    const before = await startTestServer(
      { JWT_ALGORITHM: 'ES256', JWT_SIGNING_KEY: oldKey.privatePem },
      { dir, clock },
    );
    await before.createUser('alice', 'pw');
    const issuedBefore = await before.login('alice', 'pw');
    await before.stop();

    const after = await startTestServer(
      {
        JWT_ALGORITHM: 'ES256',
        JWT_SIGNING_KEY: newKey.privatePem,
        JWT_VERIFYING_KEYS: oldKey.publicPem,
      },
      { dir, clock },
    );
    servers.push(after);
    assert.equal((await after.get('/hello/', { token: issuedBefore.access })).status, 200);
    const refreshed = await after.post('/api/token/refresh/', { refresh: issuedBefore.refresh });
    assert.equal(refreshed.status, 200);
    const newKid = jwt.decode(String(refreshed.json.access), { complete: true })?.header.kid;
    assert.notEqual(newKid, jwt.decode(issuedBefore.access, { complete: true })?.header.kid);
    const jwks = (await after.get('/.well-known/jwks.json')).json.keys as unknown[];
    assert.equal(jwks.length, 2);
  });
});
