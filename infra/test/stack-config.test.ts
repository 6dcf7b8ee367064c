import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError } from '../../settings/index.ts';
import { readStackConfig, signingKeyProblems } from '../src/stack-config.ts';

const from = (values: Record<string, string>) => (key: string) => values[key];

describe('readStackConfig', () => {
  it('gives two replicas of two workers, published on 127.0.0.1:8080, from public base images', () => {
    const config = readStackConfig(from({}));
    assert.equal(config.replicas, 2);
    assert.equal(config.workersPerContainer, '2');
    assert.equal(config.publicHost, '127.0.0.1');
    assert.equal(config.publicPort, 8080);
    assert.equal(config.appBaseImage, 'node:24-bookworm-slim');
    assert.equal(config.nginxBaseImage, 'nginx:stable-bookworm');
    assert.equal(config.dockerHost, undefined);
  });

  it('refuses app containers too small for their workers’ password hashes', () => {
    assert.throws(
      () => readStackConfig(from({ workersPerContainer: '2', appMemoryMb: '512' })),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.problems[0] ===
          'appMemoryMb: 512 MiB cannot hold 2 worker(s) of 288 MiB and pm2 (640 MiB): raise it, or lower workersPerContainer',
    );
    assert.equal(readStackConfig(from({})).appMemoryMb, 640);
  });

  it('reads token lifetimes with the app parser, in seconds', () => {
    const config = readStackConfig(
      from({ accessTokenLifetime: '10m', refreshTokenLifetime: '2d' }),
    );
    assert.equal(config.accessTokenLifetime, 600);
    assert.equal(config.refreshTokenLifetime, 172_800);
  });

  it('reads a database of the user’s own as the app reads DATABASE_URL, but without a password', () => {
    const withTls = 'postgres://kit@db:5432/kit?sslmode=verify-full&sslrootcert=/run/secrets/ca';
    assert.equal(readStackConfig(from({ databaseUrl: withTls })).databaseUrl, withTls);
    for (const refused of ['postgres://kit:pw@db/kit', 'mysql://kit@db/kit', 'postgres://db/kit']) {
      assert.throws(
        () => readStackConfig(from({ databaseUrl: refused })),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.problems[0]?.startsWith(
            'databaseUrl: expected postgres://user@host:5432/dbname',
          ) === true &&
          !error.problems[0].includes(':pw@'),
      );
    }
  });

  it('reports every bad key at once, each on a line naming it', () => {
    assert.throws(
      () =>
        readStackConfig(
          from({ replicas: '0', publicPort: 'http', dockerHost: 'myhost', loginRate: 'fast' }),
        ),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(
          error.problems.map((problem) => problem.split(':')[0]),
          ['replicas', 'publicPort', 'loginRate', 'dockerHost'],
        );
        return true;
      },
    );
  });

  it('takes the overlay range as an IPv4 range with room for its tasks, and refuses anything else', () => {
    assert.equal(
      readStackConfig(from({ overlaySubnet: '10.99.0.0/24' })).overlaySubnet,
      '10.99.0.0/24',
    );
    for (const refused of ['10.99.0.0', '10.300.0.0/16', '10.99.0.0/31', 'fd00::/64']) {
      assert.throws(
        () => readStackConfig(from({ overlaySubnet: refused })),
        (error: unknown) =>
          error instanceof ConfigError &&
          error.problems[0] ===
            `overlaySubnet: expected an IPv4 range from /8 to /28 such as 10.77.0.0/16, got "${refused}"`,
      );
    }
  });

  it('accepts a remote engine over ssh or tcp', () => {
    assert.equal(
      readStackConfig(from({ dockerHost: 'ssh://deploy@app1' })).dockerHost,
      'ssh://deploy@app1',
    );
    assert.equal(
      readStackConfig(from({ dockerHost: 'tcp://10.0.0.5:2376' })).dockerHost,
      'tcp://10.0.0.5:2376',
    );
  });
});

describe('signingKeyProblems', () => {
  it('accepts an HMAC secret of 32 bytes or more for HS256', () => {
    assert.deepEqual(signingKeyProblems('k'.repeat(32), 'HS256'), []);
  });

  it("refuses a short secret in the app's words, naming the config key", () => {
    assert.deepEqual(signingKeyProblems('short', 'HS256'), [
      'jwtSigningKey: HS256 needs a secret of at least 32 bytes in production, got 5',
    ]);
  });

  it('asks for a PEM private key with RS256, and takes one', () => {
    assert.match(
      signingKeyProblems('k'.repeat(40), 'RS256')[0] ?? '',
      /^jwtSigningKey: .*PEM private key/,
    );
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    assert.deepEqual(signingKeyProblems(pem, 'RS256'), []);
  });
});
