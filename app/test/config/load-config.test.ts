import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../settings/index.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { settings } from '../../src/config/settings.ts';

const problemsOf = (env: NodeJS.ProcessEnv): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('loadConfig', () => {
  it('gives the safe defaults when nothing is set', () => {
    const config = loadConfig({});
    assert.equal(config.nodeEnv, 'development');
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.port, 8000);
    assert.equal(config.databaseUrl, 'sqlite:var/app.sqlite3');
    assert.equal(config.jwtAlgorithm, 'HS256');
    assert.equal(config.accessTokenLifetimeSeconds, 300);
    assert.equal(config.refreshTokenLifetimeSeconds, 86400);
    assert.equal(config.jwtLeewaySeconds, 0);
    assert.equal(config.rotateRefreshTokens, true);
    assert.equal(config.blacklistAfterRotation, true);
    assert.equal(config.refreshReuseDetection, true);
    assert.equal(config.refreshTokenCookie, false);
    assert.equal(config.passwordScryptLogN, 17);
    assert.equal(config.logFormat, 'pretty');
  });

  it('listens on 3000 and logs JSON in production', () => {
    const config = loadConfig({ NODE_ENV: 'production' });
    assert.equal(config.port, 3000);
    assert.equal(config.logFormat, 'json');
  });

  it('reads durations, booleans and sizes', () => {
    const config = loadConfig({
      ACCESS_TOKEN_LIFETIME: '90',
      REFRESH_TOKEN_LIFETIME: '12h',
      JWT_LEEWAY: '30s',
      ROTATE_REFRESH_TOKENS: 'no',
      REFRESH_REUSE_DETECTION: 'off',
      BODY_LIMIT: '1mb',
    });
    assert.equal(config.accessTokenLifetimeSeconds, 90);
    assert.equal(config.refreshTokenLifetimeSeconds, 43200);
    assert.equal(config.jwtLeewaySeconds, 30);
    assert.equal(config.rotateRefreshTokens, false);
    assert.equal(config.bodyLimitBytes, 1024 * 1024);
  });

  it('reports every bad value on a line that names its variable', () => {
    assert.deepEqual(
      problemsOf({ PORT: 'eighty', JWT_ALGORITHM: 'none', ACCESS_TOKEN_LIFETIME: '5 minutes' }),
      [
        'PORT: expected a whole number from 0 to 65535, got "eighty"',
        'JWT_ALGORITHM: expected one of HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, got "none"',
        'ACCESS_TOKEN_LIFETIME: expected a duration such as 30s, 5m, 12h or 1d, got "5 minutes"',
      ],
    );
  });

  it('refuses reuse detection without blacklisting rotated tokens', () => {
    const [problem] = problemsOf({ BLACKLIST_AFTER_ROTATION: 'false' });
    assert.match(problem ?? '', /^REFRESH_REUSE_DETECTION: needs BLACKLIST_AFTER_ROTATION=true/);
  });

  it('refuses weaker than OWASP password hashing in production', () => {
    assert.deepEqual(problemsOf({ NODE_ENV: 'production', PASSWORD_SCRYPT_LOG_N: '12' }), [
      "PASSWORD_SCRYPT_LOG_N: production needs 17 or more (OWASP's scrypt minimum), got 12",
    ]);
  });

  it('refuses a proxy secret that is short, or that nginx could not carry in its config', () => {
    for (const secret of ['too-short', 'sixteen-or-more "quoted"', 'with a space in the middle']) {
      assert.deepEqual(problemsOf({ PROXY_SECRET: secret }), [
        'PROXY_SECRET: expected 16 to 256 letters, digits or . _ ~ + / = -',
      ]);
    }
    assert.deepEqual(problemsOf({ PROXY_SECRET: 'Ab0_.~+/=-Ab0_.~+/=-' }), []);
  });

  it('refuses a key given both inline and as a file', () => {
    assert.deepEqual(problemsOf({ JWT_SIGNING_KEY: 'x', JWT_SIGNING_KEY_FILE: '/k' }), [
      'JWT_SIGNING_KEY_FILE: set either JWT_SIGNING_KEY or JWT_SIGNING_KEY_FILE, not both',
    ]);
  });
});

describe('.env.example', () => {
  it('documents every setting', () => {
    const documented = new Set(
      readFileSync('.env.example', 'utf8')
        .split('\n')
        .map((line) => /^([A-Z_]+)=/.exec(line)?.[1])
        .filter(Boolean),
    );
    const missing = Object.values(settings)
      .map((s) => s.env)
      .filter((name) => !documented.has(name));
    assert.deepEqual(missing, []);
  });
});
