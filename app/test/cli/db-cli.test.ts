import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../src/store/open-store.ts';
import { WallClock } from '../support/fake-clock.ts';
import { startTestServer, testEnv } from '../support/test-server.ts';
import {
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../../../testing/throwaway-postgres.ts';
import { runScript } from '../../../testing/run-script.ts';
import { tempDir } from '../../../testing/temp-dir.ts';

const db = (args: string[], overrides: Record<string, string> = {}) =>
  runScript('app/src/cli/db-cli.ts', args, { env: testEnv(tempDir(), overrides) });

let server: ThrowawayPostgres;
before(async () => {
  server = await startThrowawayPostgres();
});
after(() => server.remove());

describe('npm run db -- migrate', () => {
  it('applies what the database lacks, says which, and then that there is nothing left', async () => {
    const url = await server.createDatabase('migrate');
    const first = await db(['migrate'], { DATABASE_URL: url });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(
      first.stdout,
      'applied 1: users and refresh tokens\napplied 2: failed logins, counted per account and per address\nthe database is at version 2\n',
    );
    const again = await db(['migrate'], { DATABASE_URL: url });
    assert.equal(again.stdout, 'the database is at version 2\n');
  });

  it('stops in one line when the database cannot be reached', async () => {
    const result = await db(['migrate'], { DATABASE_URL: server.url('missing') });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^error: cannot use the database at DATABASE_URL=postgres:\/\/kit:\*\*\*@.*: database "missing" does not exist\n$/,
    );
  });
});

describe('npm run db -- copy, from a SQLite installation to PostgreSQL', () => {
  const clock = new WallClock();
  const sqlite = `sqlite:${join(tempDir(), 'single-host.sqlite3')}`;
  let postgres: string;
  let rotated: string;
  let spent: string;
  let loggedOut: string;

  before(async () => {
    postgres = await server.createDatabase('copy_target');
    const single = await startTestServer({ DATABASE_URL: sqlite }, { clock });
    await single.createUser('alice', 'alice-pw');
    await single.createUser('bob', 'bob-pw');
    spent = (await single.login('alice', 'alice-pw')).refresh;
    rotated = String((await single.post('/api/token/refresh/', { refresh: spent })).json.refresh);
    loggedOut = (await single.login('bob', 'bob-pw')).refresh;
    assert.equal((await single.post('/api/token/blacklist/', { refresh: loggedOut })).status, 200);
    await single.stop();
  });

  it('writes nothing on a dry run', async () => {
    const result = await db(['copy', '--from', sqlite, '--to', postgres, '--dry-run']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^users: 2 added, 0 already there\n.*\ndry run: nothing was written\n$/s,
    );
    const target = await openStore(postgres, 0);
    assert.deepEqual(await target.users.list(), []);
    await target.close();
  });

  it('copies the users, their live tokens and the blacklist, and says how many', async () => {
    const result = await db(['copy', '--from', sqlite, '--to', postgres]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        'users: 2 added, 0 already there',
        'live refresh tokens: 3 added, 0 already there',
        'blacklisted tokens: 2 added, 0 already there',
        'done: point DATABASE_URL at the target',
        '',
      ].join('\n'),
    );
    assert.equal(result.stderr, 'copied 5 of 5\n');
  });

  it('leaves every user logged in and every logout in force on PostgreSQL', async () => {
    const shared = await startTestServer({ DATABASE_URL: postgres }, { clock });
    try {
      assert.equal((await shared.post('/api/token/refresh/', { refresh: rotated })).status, 200);
      const refused = await shared.post('/api/token/refresh/', { refresh: loggedOut });
      assert.equal(refused.status, 401);
      assert.equal(refused.json.detail, 'Token is blacklisted');
      await shared.login('bob', 'bob-pw');
      const carol = await shared.createUser('carol', 'carol-pw');
      assert.ok(carol.id > 2, 'new users are numbered after the copied ones');
    } finally {
      await shared.stop();
    }
  });

  it('adds nothing twice when run again', async () => {
    const result = await db(['copy', '--from', sqlite, '--to', postgres]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^users: 0 added, 2 already there\nlive refresh tokens: 0 added, 3 already there\nblacklisted tokens: 0 added, 2 already there\n/,
    );
  });

  it('copies nothing when a user of the target holds a copied username under another id', async () => {
    const clashing = await server.createDatabase('copy_clash');
    const target = await openStore(clashing, 0);
    await target.users.insertWithId({
      id: 40,
      username: 'alice',
      passwordHash: 'x',
      isActive: true,
      dateJoined: 0,
      lastLogin: null,
    });
    const result = await db(['copy', '--from', sqlite, '--to', clashing]);
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      'error: 1 user(s) clash with users of the target; nothing was copied:\n  "alice" (id 1) is id 40 there\n',
    );
    assert.equal((await target.users.list()).length, 1);
    await target.close();
  });

  it('explains its usage when a database is not named', async () => {
    const result = await db(['copy', '--from', sqlite]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /^error: copy needs --to <database url>\nusage: npm run db -- <command>/,
    );
  });
});
