import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../../settings/index.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { sqlitePath } from '../../src/store/open-store.ts';

describe('DATABASE_URL in the app', () => {
  it('reads relative, absolute and in-memory SQLite paths', () => {
    assert.equal(sqlitePath('sqlite:var/app.sqlite3'), 'var/app.sqlite3');
    assert.equal(sqlitePath('sqlite:///srv/app.sqlite3'), '/srv/app.sqlite3');
    assert.equal(sqlitePath('sqlite::memory:'), ':memory:');
  });

  it('is checked when the configuration loads, as DATABASE_URL', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'postgres://kit:s3cret@db' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(
          error.message,
          /^DATABASE_URL: a PostgreSQL URL needs a host and a database name/,
        );
        assert.ok(!error.message.includes('s3cret'));
        return true;
      },
    );
  });
});
