import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../settings/index.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { buildKeyRing, verifyingKeysProblems } from '../../src/tokens/key-ring.ts';
import { tempDir } from '../../../testing/temp-dir.ts';

const ringFor = (env: NodeJS.ProcessEnv) => buildKeyRing(loadConfig(env));

const problemOf = (env: NodeJS.ProcessEnv): string => {
  try {
    ringFor(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.join('\n');
    throw error;
  }
  return '';
};

const rsaPrivatePem = (bits = 2048) =>
  generateKeyPairSync('rsa', { modulusLength: bits })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();

// RFC 7638 §3.1: this key's thumbprint is NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs.
const rfc7638Key = {
  kty: 'RSA',
  e: 'AQAB',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
};

describe('buildKeyRing', () => {
  it('falls back to a development key outside production, and says so', () => {
    const ring = ringFor({ NODE_ENV: 'development' });
    assert.equal(ring.usesDevelopmentKey, true);
    assert.equal(ring.signing.key.type, 'secret');
  });

  it('refuses to start in production without a signing key', () => {
    assert.equal(
      problemOf({ NODE_ENV: 'production' }),
      'JWT_SIGNING_KEY: required in production (or JWT_SIGNING_KEY_FILE)',
    );
  });

  it('refuses an HMAC secret shorter than the hash in production', () => {
    assert.equal(
      problemOf({ NODE_ENV: 'production', JWT_SIGNING_KEY: 'short-secret' }),
      'JWT_SIGNING_KEY: HS256 needs a secret of at least 32 bytes in production, got 12',
    );
    assert.match(
      problemOf({
        NODE_ENV: 'production',
        JWT_ALGORITHM: 'HS512',
        JWT_SIGNING_KEY: 'x'.repeat(40),
      }),
      /HS512 needs a secret of at least 64 bytes/,
    );
  });

  it('refuses a key of the wrong kind for the algorithm', () => {
    assert.match(
      problemOf({ JWT_ALGORITHM: 'ES256', JWT_SIGNING_KEY: rsaPrivatePem() }),
      /^JWT_SIGNING_KEY: ES256 needs an EC key/,
    );
    assert.match(
      problemOf({ JWT_ALGORITHM: 'RS256', JWT_SIGNING_KEY: rsaPrivatePem(1024) }),
      /2048 bits or more/,
    );
    assert.match(
      problemOf({ JWT_ALGORITHM: 'RS256', JWT_SIGNING_KEY: 'not a pem' }),
      /RS256 needs a PEM private key/,
    );
    assert.match(
      problemOf({ JWT_ALGORITHM: 'RS256' }),
      /^JWT_SIGNING_KEY: RS256 needs a PEM private key/,
    );
  });

  it('reads the signing key from a file, with escaped newlines in an env value too', () => {
    const pem = rsaPrivatePem();
    const file = join(tempDir(), 'signing.pem');
    writeFileSync(file, pem);
    const fromFile = ringFor({ JWT_ALGORITHM: 'RS256', JWT_SIGNING_KEY_FILE: file });
    const fromEscaped = ringFor({
      JWT_ALGORITHM: 'RS256',
      JWT_SIGNING_KEY: pem.replaceAll('\n', '\\n'),
    });
    assert.equal(fromFile.signing.kid, fromEscaped.signing.kid);
    assert.match(
      problemOf({ JWT_SIGNING_KEY_FILE: '/no/such/key' }),
      /^JWT_SIGNING_KEY_FILE: cannot read \/no\/such\/key/,
    );
  });

  it('names public keys by their RFC 7638 thumbprint', () => {
    const publicPem = createPublicKey({ key: rfc7638Key, format: 'jwk' }).export({
      type: 'spki',
      format: 'pem',
    });
    const ring = ringFor({
      JWT_ALGORITHM: 'RS256',
      JWT_SIGNING_KEY: rsaPrivatePem(),
      JWT_VERIFYING_KEYS: publicPem.toString(),
    });
    assert.ok(ring.verifying.has('NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs'));
    assert.equal(ring.verifying.size, 2);
    assert.equal(ring.jwks.keys.length, 2);
  });

  it('never derives an HMAC kid that reveals the secret', () => {
    const ring = ringFor({
      JWT_SIGNING_KEY: 'a'.repeat(32),
      JWT_VERIFYING_KEYS: `${'b'.repeat(32)}, ${'c'.repeat(32)}`,
    });
    assert.equal(ring.verifying.size, 3);
    assert.deepEqual(ring.jwks.keys, []);
    assert.match(ring.signing.kid, /^[\w-]{16}$/);
  });
});

describe('verifyingKeysProblems', () => {
  it('reads the keys as JWT_VERIFYING_KEYS_FILE holds them, and says what the app would refuse', () => {
    const secrets = ['an-older-key-of-more-than-32-bytes-for-hs256', 'x'.repeat(32)];
    assert.deepEqual(verifyingKeysProblems(`${secrets.join('\n')}\n`, 'HS256', 'old keys'), []);
    assert.deepEqual(verifyingKeysProblems('short', 'HS256', 'old keys'), [
      'old keys: HS256 needs a secret of at least 32 bytes in production, got 5',
    ]);
    const publicPem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
      .publicKey.export({ type: 'spki', format: 'pem' })
      .toString();
    assert.deepEqual(verifyingKeysProblems(publicPem, 'ES256', 'old keys'), []);
    assert.deepEqual(verifyingKeysProblems(publicPem, 'ES384', 'old keys'), [
      'old keys: ES384 needs an EC key on curve secp384r1',
    ]);
  });
});
