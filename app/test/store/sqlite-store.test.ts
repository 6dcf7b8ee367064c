import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { openStore, sqlitePath } from '../../src/store/open-store.ts';
import type { OutstandingToken, Store } from '../../src/store/store.ts';
import { ConfigError } from '../../src/config/load-config.ts';
import { startTestServer } from '../support/test-server.ts';
import { tempDir } from '../../../tools/testing/temp-dir.ts';

const run = promisify(execFile);

const token = (jti: string, familyId = jti, expiresAt = 1000): OutstandingToken => ({
  jti,
  userId: 1,
  familyId,
  parentJti: null,
  createdAt: 0,
  expiresAt,
});

describe('the SQLite store', () => {
  const file = join(tempDir(), 'nested', 'folder', 'store.sqlite3');
  let first: Store;
  let second: Store;

  before(async () => {
    first = openStore(`sqlite:${file}`, 0);
    second = openStore(`sqlite:${file}`, 0);
    await first.users.create('alice', 'hash', 0);
  });
  after(async () => {
    await first.close();
    await second.close();
  });

  it('creates its folder, runs in WAL mode and applies each migration once', () => {
    const db = new DatabaseSync(file);
    assert.equal(db.prepare('PRAGMA journal_mode').get()?.journal_mode, 'wal');
    assert.deepEqual(
      db
        .prepare('SELECT version FROM schema_migrations')
        .all()
        .map((row) => row.version),
      [1, 2],
    );
    db.close();
  });

  it('keeps the database and its WAL files readable by their owner only: they hold password hashes', () => {
    for (const suffix of ['', '-wal', '-shm']) {
      assert.equal(statSync(`${file}${suffix}`).mode & 0o777, 0o600, `${file}${suffix}`);
    }
  });

  it('takes the permissions of an older database file away from everyone but its owner', async () => {
    const older = join(tempDir(), 'older.sqlite3');
    writeFileSync(older, '');
    chmodSync(older, 0o644);
    await openStore(`sqlite:${older}`, 0).close();
    assert.equal(statSync(older).mode & 0o777, 0o600);
  });

  it('lets exactly one of several processes rotate the same token', async () => {
    const child = (n: number) =>
      run(process.execPath, [
        'app/test/support/rotate-in-child.ts',
        file,
        'contested',
        `next-${n}`,
      ]);
    const outputs = await Promise.all([1, 2, 3, 4].map(child));
    assert.deepEqual(outputs.map((o) => o.stdout).sort(), ['false', 'false', 'false', 'true']);
    const next = await Promise.all(
      [1, 2, 3, 4].map((n) => first.tokens.findOutstanding(`next-${n}`)),
    );
    assert.equal(next.filter(Boolean).length, 1);
  });

  it('blacklists a token once, whoever asks', async () => {
    const t = token('once');
    assert.equal(await first.tokens.blacklist(t, 'logout', 1), true);
    assert.equal(await second.tokens.blacklist(t, 'logout', 1), false);
  });

  it('revokes the live tokens of a family and leaves other families alone', async () => {
    await first.tokens.recordOutstanding(token('fam-a1', 'fam-a'));
    await first.tokens.recordOutstanding(token('fam-a2', 'fam-a'));
    await first.tokens.recordOutstanding(token('fam-b1', 'fam-b'));
    assert.equal(await first.tokens.revokeFamily('fam-a', 'reuse', 1), 2);
    assert.equal(await first.tokens.findBlacklisting('fam-b1'), undefined);
  });

  it('counts failed logins per key in a window, sees them from another connection, and starts over once it closes', async () => {
    await first.loginFailures.record(['account:a', 'address:x'], 100, 60);
    await second.loginFailures.record(['account:a'], 130, 60);
    const open = await first.loginFailures.open(['account:a', 'address:x', 'account:b'], 150, 60);
    assert.deepEqual(Object.fromEntries(open), {
      'account:a': { failures: 2, windowStart: 100 },
      'address:x': { failures: 1, windowStart: 100 },
    });
    assert.equal((await first.loginFailures.open(['account:a'], 160, 60)).size, 0);
    await first.loginFailures.record(['account:a'], 170, 60);
    assert.deepEqual((await first.loginFailures.open(['account:a'], 171, 60)).get('account:a'), {
      failures: 1,
      windowStart: 170,
    });
    assert.equal(await first.loginFailures.flushExpired(171, 60), 1);
  });

  it('flushes expired tokens with their blacklist rows', async () => {
    await first.tokens.blacklist(token('expired', 'expired', 50), 'logout', 1);
    const deleted = await first.tokens.flushExpired(100);
    assert.ok(deleted >= 1);
    assert.equal(await first.tokens.findOutstanding('expired'), undefined);
    assert.equal(await first.tokens.findBlacklisting('expired'), undefined);
  });
});

describe('DATABASE_URL', () => {
  it('reads relative, absolute and in-memory SQLite paths', () => {
    assert.equal(sqlitePath('sqlite:var/app.sqlite3'), 'var/app.sqlite3');
    assert.equal(sqlitePath('sqlite:///srv/app.sqlite3'), '/srv/app.sqlite3');
    assert.equal(sqlitePath('sqlite::memory:'), ':memory:');
  });

  it('names the variable when the scheme is not supported', () => {
    assert.throws(
      () => sqlitePath('postgres://db/app'),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.match(error.message, /^DATABASE_URL: expected sqlite:<path>/);
        return true;
      },
    );
  });
});

describe('what the store keeps of a token', () => {
  it('is its jti and metadata, never the token itself', async () => {
    const api = await startTestServer();
    try {
      await api.createUser('alice', 'pw');
      const { refresh } = await api.login('alice', 'pw');
      const rotated = await api.post('/api/token/refresh/', { refresh });
      const tokens = [refresh, String(rotated.json.refresh)];
      const db = new DatabaseSync(sqlitePath(api.config.databaseUrl), { readOnly: true });
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all();
      const cells = tables.flatMap(({ name }) =>
        db
          .prepare(`SELECT * FROM "${String(name)}"`)
          .all()
          .flatMap((row) => Object.values(row).map(String)),
      );
      db.close();
      for (const raw of tokens) {
        const signature = raw.split('.')[2] ?? '';
        assert.ok(
          !cells.some((cell) => cell.includes(signature)),
          'a stored value holds a token signature',
        );
      }
      assert.ok(cells.length > 0);
    } finally {
      await api.stop();
    }
  });
});
