import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../testing/temp-dir.ts';
import { databaseTarget, withoutPassword } from '../database-url.ts';
import { ConfigValueError } from '../parsers.ts';

const refusal = (url: string): string => {
  try {
    databaseTarget(url);
  } catch (error) {
    assert.ok(error instanceof ConfigValueError);
    return error.message;
  }
  assert.fail(`${url} was accepted`);
};

describe('DATABASE_URL', () => {
  it('selects PostgreSQL for postgres:// and postgresql://, without TLS unless sslmode asks', () => {
    for (const scheme of ['postgres', 'postgresql']) {
      const target = databaseTarget(`${scheme}://kit:s3cret@db.internal:5433/app`);
      assert.deepEqual(target, {
        kind: 'postgres',
        connectionString: `${scheme}://kit:s3cret@db.internal:5433/app`,
        ssl: false,
        shown: `${scheme}://kit:***@db.internal:5433/app`,
      });
    }
  });

  it('follows sslmode: require encrypts, verify-ca checks the CA, verify-full the CA and the name', () => {
    const ca = join(tempDir(), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    const ssl = (query: string) => {
      const target = databaseTarget(`postgres://kit@db/app?${query}`);
      assert.ok(target.kind === 'postgres');
      assert.ok(!target.connectionString.includes('ssl'), 'the TLS parameters are read here');
      return target.ssl;
    };
    assert.equal(ssl('sslmode=disable'), false);
    assert.deepEqual(ssl('sslmode=require'), { rejectUnauthorized: false });
    const verifyCa = ssl(`sslmode=verify-ca&sslrootcert=${ca}`);
    assert.ok(
      verifyCa &&
        verifyCa.ca &&
        verifyCa.checkServerIdentity &&
        verifyCa.rejectUnauthorized !== false,
    );
    assert.deepEqual(ssl(`sslmode=verify-full&sslrootcert=${ca}`), {
      ca: '-----BEGIN CERTIFICATE-----\n',
    });
    assert.deepEqual(ssl('sslmode=verify-full'), {});
  });

  it('refuses what it cannot honour, naming the problem and never the password', () => {
    assert.match(
      refusal('postgres://kit:s3cret@db/app?sslmode=prefer'),
      /sslmode=prefer is not supported/,
    );
    assert.match(
      refusal('postgres://kit@db/app?sslmode=verify-full&sslrootcert=/nonexistent.pem'),
      /^cannot read sslrootcert=\/nonexistent\.pem \(ENOENT\)$/,
    );
    const noDatabase = refusal('postgres://kit:s3cret@db');
    assert.match(noDatabase, /needs a host and a database name/);
    assert.ok(!noDatabase.includes('s3cret'));
    const wrongScheme = refusal('mysql://kit:s3cret@db/app');
    assert.match(
      wrongScheme,
      /^expected sqlite:<path> .* or postgres:\/\/user:password@host:port\/dbname/,
    );
  });

  it('takes the password from DATABASE_PASSWORD_FILE, for PostgreSQL only', () => {
    const file = join(tempDir(), 'database_password');
    writeFileSync(file, 'from a secret\n');
    const target = databaseTarget('postgres://kit@db/app', file);
    assert.ok(target.kind === 'postgres');
    assert.equal(new URL(target.connectionString).password, 'from%20a%20secret');
    assert.equal(target.shown, 'postgres://kit@db/app');
    assert.throws(() => databaseTarget('postgres://kit@db/app', '/nonexistent'), {
      message: 'cannot read DATABASE_PASSWORD_FILE=/nonexistent (ENOENT)',
    });
    assert.throws(() => databaseTarget('sqlite:app.sqlite3', file), {
      message: 'DATABASE_PASSWORD_FILE is for PostgreSQL: SQLite has no password',
    });
  });

  it('shows a URL with its password replaced', () => {
    assert.equal(
      withoutPassword('postgres://kit:p%40ss:w@db:5432/app'),
      'postgres://kit:***@db:5432/app',
    );
    assert.equal(withoutPassword('postgresql://kit@db/app'), 'postgresql://kit@db/app');
  });

  it('keeps the password out of the error for a scheme it does not take', () => {
    assert.throws(() => databaseTarget('postgresql+psycopg://kit:TOPSECRETPW@db:5432/app'), {
      message:
        'expected sqlite:<path> (for example sqlite:var/app.sqlite3) or postgres://user:password@host:port/dbname, got "postgresql+psycopg://kit:***@db:5432/app"',
    });
    assert.equal(withoutPassword('mysql://kit:TOPSECRETPW@db/app'), 'mysql://kit:***@db/app');
  });
});
