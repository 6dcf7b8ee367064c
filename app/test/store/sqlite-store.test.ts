import assert from 'node:assert/strict';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { openStore, sqlitePath } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { startTestServer } from '../support/test-server.ts';
import { tempDir } from '../../../testing/temp-dir.ts';
import { storeContract } from './store-contract.ts';

storeContract('SQLite', {
  freshDatabase: () => Promise.resolve(`sqlite:${join(tempDir(), 'store.sqlite3')}`),
  restartServer: () => Promise.resolve(),
});

describe('the SQLite file', () => {
  const file = join(tempDir(), 'nested', 'folder', 'store.sqlite3');
  let store: Store;

  before(async () => {
    store = await openStore(`sqlite:${file}`, 0);
    await store.users.create('alice', 'hash', 0);
  });
  after(() => store.close());

  it('is created with its folder and runs in WAL mode', () => {
    const db = new DatabaseSync(file);
    assert.equal(db.prepare('PRAGMA journal_mode').get()?.journal_mode, 'wal');
    db.close();
  });

  it('is readable by its owner only, with its WAL files: they hold password hashes', () => {
    for (const suffix of ['', '-wal', '-shm']) {
      assert.equal(statSync(`${file}${suffix}`).mode & 0o777, 0o600, `${file}${suffix}`);
    }
  });

  it('takes the permissions of an older database file away from everyone but its owner', async () => {
    const older = join(tempDir(), 'older.sqlite3');
    writeFileSync(older, '');
    chmodSync(older, 0o644);
    await (await openStore(`sqlite:${older}`, 0)).close();
    assert.equal(statSync(older).mode & 0o777, 0o600);
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
