/**
 * What every store must do, run against SQLite and PostgreSQL alike: each repository operation,
 * the races between processes (pm2 workers, hosts), a blacklist that outlives a restart, and the
 * migrations from empty, from the previous version and by several processes at once.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { migrations } from '../../src/store/migrations.ts';
import { openStore, openStoreMigrating } from '../../src/store/open-store.ts';
import { AlreadyExistsError, type OutstandingToken, type Store } from '../../src/store/store.ts';

const run = promisify(execFile);

export interface StoreUnderTest {
  /** The URL of a new, empty database. */
  freshDatabase(): Promise<string>;
  /** Restarts the database server, where there is one. */
  restartServer(): Promise<void>;
}

const live = 4_000_000_000;

const tokenOf = (
  userId: number,
  jti: string,
  familyId = jti,
  expiresAt = live,
  parentJti: string | null = null,
): OutstandingToken => ({ jti, userId, familyId, parentJti, createdAt: 0, expiresAt });

const inChild = async (script: string, args: string[]) =>
  (await run(process.execPath, [`app/test/support/${script}`, ...args])).stdout;

/**
 * Starts a race-in-child process per argument list, lets them all connect, then starts them at
 * once; answers how many attempts each won.
 */
async function raceInChildren(argLists: string[][]): Promise<number[]> {
  const children = argLists.map((args) =>
    spawn(process.execPath, ['app/test/support/race-in-child.ts', ...args], {
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const lines = children.map((child) =>
    createInterface({ input: child.stdout })[Symbol.asyncIterator](),
  );
  const nextLine = async (n: number) => {
    const line = await lines[n]?.next();
    if (!line || line.done) throw new Error(`race-in-child ${n} ended early`);
    return line.value;
  };
  await Promise.all(children.map((_, n) => nextLine(n)));
  for (const child of children) child.stdin.write('go\n');
  return Promise.all(children.map(async (_, n) => Number(await nextLine(n))));
}

export function storeContract(name: string, database: StoreUnderTest): void {
  describe(`the ${name} store`, () => {
    let url: string;
    let first: Store;
    let second: Store;
    let alice: number;
    const token = (jti: string, familyId = jti, expiresAt = live, parent: string | null = null) =>
      tokenOf(alice, jti, familyId, expiresAt, parent);

    before(async () => {
      url = await database.freshDatabase();
      first = await openStore(url, 0);
      second = await openStore(url, 0);
      alice = (await first.users.create('alice', 'hash', 10)).id;
    });
    after(async () => {
      await first.close();
      await second.close();
    });

    it('creates, finds, lists and changes users, and refuses a taken username', async () => {
      const bob = await first.users.create('bob', 'bob-hash', 20);
      assert.deepEqual(await second.users.findByUsername('bob'), {
        id: bob.id,
        username: 'bob',
        passwordHash: 'bob-hash',
        isActive: true,
        dateJoined: 20,
        lastLogin: null,
      });
      await second.users.setActive(bob.id, false);
      await second.users.setPasswordHash(bob.id, 'new-hash');
      await second.users.recordLogin(bob.id, 30);
      assert.deepEqual(await first.users.findById(bob.id), {
        ...bob,
        passwordHash: 'new-hash',
        isActive: false,
        lastLogin: 30,
      });
      await assert.rejects(first.users.create('bob', 'x', 0), AlreadyExistsError);
      assert.equal(await first.users.findById(999_999), undefined);
      assert.deepEqual(
        (await first.users.list()).map((user) => user.username),
        ['alice', 'bob'],
      );
    });

    it('keeps the id of a user brought from elsewhere, and numbers the next user after it', async () => {
      const brought = {
        id: 500,
        username: 'imported',
        passwordHash: 'pbkdf2_sha256$...',
        isActive: true,
        dateJoined: 5,
        lastLogin: 6,
      };
      await first.users.insertWithId(brought);
      assert.deepEqual(await second.users.findById(500), brought);
      await assert.rejects(
        first.users.insertWithId({ ...brought, username: 'other' }),
        AlreadyExistsError,
      );
      await assert.rejects(first.users.insertWithId({ ...brought, id: 501 }), AlreadyExistsError);
      assert.ok((await first.users.create('after-import', 'h', 0)).id > 500);
    });

    it('records a token once and finds it by its jti', async () => {
      await first.tokens.recordOutstanding(token('recorded', 'family-r'));
      await second.tokens.recordOutstanding(token('recorded', 'another family'));
      assert.deepEqual(
        await second.tokens.findOutstanding('recorded'),
        token('recorded', 'family-r'),
      );
      assert.equal(await first.tokens.findOutstanding('unknown'), undefined);
    });

    it('blacklists a token once, whoever asks, recording it first when it was unknown', async () => {
      const t = token('once');
      const results = await Promise.all([
        first.tokens.blacklist(t, 'logout', 1),
        second.tokens.blacklist(t, 'logout', 1),
      ]);
      assert.deepEqual(results.sort(), [false, true]);
      assert.deepEqual(await first.tokens.findBlacklisting('once'), {
        jti: 'once',
        reason: 'logout',
        blacklistedAt: 1,
      });
      assert.deepEqual(await first.tokens.findOutstanding('once'), t);
    });

    it('rotates a token into its child once: a second rotation records nothing', async () => {
      assert.equal(
        await first.tokens.rotate(token('parent'), token('child-1', 'parent', live, 'parent'), 2),
        true,
      );
      assert.equal(
        await second.tokens.rotate(token('parent'), token('child-2', 'parent', live, 'parent'), 2),
        false,
      );
      assert.equal((await first.tokens.findBlacklisting('parent'))?.reason, 'rotated');
      assert.equal((await first.tokens.findOutstanding('child-1'))?.parentJti, 'parent');
      assert.equal(await first.tokens.findOutstanding('child-2'), undefined);
    });

    it('lets exactly one of ten refreshes of one token win, sent at once from four processes', async () => {
      const shares = [3, 3, 2, 2];
      const wins = await raceInChildren(
        shares.map((count, n) => [
          'rotate',
          url,
          String(alice),
          'contested',
          String(count),
          `worker-${n}`,
        ]),
      );
      assert.equal(
        wins.reduce((a, b) => a + b),
        1,
        `wins per process: ${wins.join(', ')}`,
      );
      const children = await Promise.all(
        shares.flatMap((count, n) =>
          Array.from({ length: count }, (_, k) => first.tokens.findOutstanding(`worker-${n}-${k}`)),
        ),
      );
      assert.equal(children.filter(Boolean).length, 1);
    });

    it('revokes the live tokens of a family, leaving its expired tokens and other families alone', async () => {
      await first.tokens.recordOutstanding(token('fam-a1', 'fam-a'));
      await first.tokens.recordOutstanding(token('fam-a2', 'fam-a'));
      await first.tokens.recordOutstanding(token('fam-a-old', 'fam-a', 5));
      await first.tokens.recordOutstanding(token('fam-b1', 'fam-b'));
      assert.equal(await second.tokens.revokeFamily('fam-a', 'reuse', 10), 2);
      assert.equal((await first.tokens.findBlacklisting('fam-a2'))?.reason, 'reuse');
      assert.equal(await first.tokens.findBlacklisting('fam-a-old'), undefined);
      assert.equal(await first.tokens.findBlacklisting('fam-b1'), undefined);
      assert.equal(await second.tokens.revokeFamily('fam-a', 'reuse', 10), 0);
    });

    it("revokes every live token of a user and no one else's", async () => {
      const carol = (await first.users.create('carol', 'h', 0)).id;
      await first.tokens.recordOutstanding(tokenOf(carol, 'carol-1'));
      await first.tokens.recordOutstanding(tokenOf(carol, 'carol-2'));
      await first.tokens.recordOutstanding(token('alice-kept'));
      assert.equal(await second.tokens.revokeUser(carol, 'logout_all', 3), 2);
      assert.equal(await first.tokens.findBlacklisting('alice-kept'), undefined);
    });

    it('flushes expired tokens with their blacklist rows, and keeps the live ones', async () => {
      await first.tokens.blacklist(token('expired', 'expired', 50), 'logout', 1);
      await first.tokens.recordOutstanding(token('still-live', 'still-live', 5000));
      assert.ok((await second.tokens.flushExpired(100)) >= 1);
      assert.equal(await first.tokens.findOutstanding('expired'), undefined);
      assert.equal(await first.tokens.findBlacklisting('expired'), undefined);
      assert.ok(await first.tokens.findOutstanding('still-live'));
    });

    it('lists the live tokens with their blacklistings, oldest first, for a copy elsewhere', async () => {
      const dave = (await first.users.create('dave', 'h', 0)).id;
      const daves = (jti: string, createdAt: number, expiresAt = live) => ({
        ...tokenOf(dave, jti),
        createdAt,
        expiresAt,
      });
      await first.tokens.recordOutstanding(daves('dave-2', 20));
      await first.tokens.blacklist(daves('dave-1', 10), 'logout', 15);
      await first.tokens.recordOutstanding(daves('dave-gone', 5, 50));
      const listed = (await second.tokens.listLive(100)).filter(
        ({ token }) => token.userId === dave,
      );
      assert.deepEqual(listed, [
        {
          token: daves('dave-1', 10),
          blacklisting: { jti: 'dave-1', reason: 'logout', blacklistedAt: 15 },
        },
        { token: daves('dave-2', 20), blacklisting: undefined },
      ]);
    });

    it('counts login attempts per key in a window, seen from another connection, and starts over once it closes', async () => {
      const limits = (key: string, limit = 5) => ({ key, limit });
      assert.deepEqual(
        await first.loginFailures.reserve([limits('account:a'), limits('address:x')], 100, 60),
        {
          granted: true,
          failuresBefore: new Map([
            ['account:a', 0],
            ['address:x', 0],
          ]),
        },
      );
      assert.deepEqual(await second.loginFailures.reserve([limits('account:a')], 130, 60), {
        granted: true,
        failuresBefore: new Map([['account:a', 1]]),
      });
      const open = await first.loginFailures.open(['account:a', 'address:x', 'account:b'], 150, 60);
      assert.deepEqual(Object.fromEntries(open), {
        'account:a': { failures: 2, windowStart: 100 },
        'address:x': { failures: 1, windowStart: 100 },
      });
      assert.equal((await first.loginFailures.open(['account:a'], 160, 60)).size, 0);
      await first.loginFailures.reserve([limits('account:a')], 170, 60);
      assert.deepEqual((await first.loginFailures.open(['account:a'], 171, 60)).get('account:a'), {
        failures: 1,
        windowStart: 170,
      });
      await first.loginFailures.clear(['account:a']);
      assert.equal((await first.loginFailures.open(['account:a'], 171, 60)).size, 0);
      assert.equal(await first.loginFailures.flushExpired(171, 60), 1);
    });

    it('refuses an attempt when any of its keys is at its limit, counting it against none, with the longest wait', async () => {
      const account = { key: 'account:full', limit: 2 };
      const address = { key: 'address:y', limit: 2 };
      await first.loginFailures.reserve([account], 200, 60);
      await first.loginFailures.reserve([account], 210, 60);
      await first.loginFailures.reserve([address], 230, 60);
      await first.loginFailures.reserve([address], 231, 60);
      assert.deepEqual(await second.loginFailures.reserve([account, address], 240, 60), {
        granted: false,
        retryAfterSeconds: 50,
      });
      assert.deepEqual(
        await second.loginFailures.reserve([{ key: 'account:other', limit: 9 }, address], 240, 60),
        { granted: false, retryAfterSeconds: 50 },
      );
      assert.equal((await first.loginFailures.open(['account:other'], 240, 60)).size, 0);
      assert.equal(
        (await first.loginFailures.open(['address:y'], 240, 60)).get('address:y')?.failures,
        2,
      );
    });

    it("takes an attempt back, and forgets an account's keys by their prefix", async () => {
      const key = { key: 'account:back', limit: 1 };
      await first.loginFailures.reserve([key], 300, 60);
      assert.equal((await first.loginFailures.reserve([key], 301, 60)).granted, false);
      await second.loginFailures.release(['account:back'], 302, 60);
      assert.equal((await first.loginFailures.reserve([key], 303, 60)).granted, true);
      await first.loginFailures.reserve([{ key: 'pair:bob\t1.2.3.4', limit: 9 }], 304, 60);
      await first.loginFailures.reserve([{ key: 'pair:bobby\t1.2.3.4', limit: 9 }], 304, 60);
      await first.loginFailures.clear(['account:back'], 'pair:bob\t');
      const left = await first.loginFailures.open(
        ['account:back', 'pair:bob\t1.2.3.4', 'pair:bobby\t1.2.3.4'],
        305,
        60,
      );
      assert.deepEqual([...left.keys()], ['pair:bobby\t1.2.3.4']);
    });

    it('grants no more concurrent attempts from four processes than the limit', async () => {
      const shares = [5, 5, 5, 5];
      const granted = await raceInChildren(
        shares.map((count) => ['reserve', url, 'account:contested', '6', String(count)]),
      );
      assert.equal(
        granted.reduce((a, b) => a + b),
        6,
        `granted per process: ${granted.join(', ')}`,
      );
    });

    it('answers a ping', async () => {
      await first.ping();
    });

    it('keeps a blacklisted token refused after the database and the store restart', async () => {
      await first.tokens.blacklist(token('logged-out'), 'logout', 7);
      await first.close();
      await second.close();
      await database.restartServer();
      first = await openStore(url, 0);
      second = await openStore(url, 0);
      assert.equal((await first.tokens.findBlacklisting('logged-out'))?.reason, 'logout');
      assert.equal(await first.tokens.blacklist(token('logged-out'), 'logout', 8), false);
    });
  });

  describe(`the ${name} store's migrations`, () => {
    const versions = migrations.map((migration) => migration.version);

    it('bring an empty database to the latest version, once', async () => {
      const url = await database.freshDatabase();
      const opened = await openStoreMigrating(url, 0);
      await opened.store.close();
      assert.deepEqual(
        opened.applied.map((m) => m.version),
        versions,
      );
      const again = await openStoreMigrating(url, 0);
      await again.store.close();
      assert.deepEqual(again.applied, []);
    });

    it('bring a database of the previous version up to date and keep what it held', async () => {
      const url = await database.freshDatabase();
      const previous = await openStoreMigrating(url, 0, { migrations: migrations.slice(0, -1) });
      const kept = await previous.store.users.create('before-upgrade', 'h', 1);
      await previous.store.close();
      const latest = await openStoreMigrating(url, 0);
      try {
        assert.deepEqual(
          latest.applied.map((m) => m.version),
          versions.slice(-1),
        );
        assert.deepEqual(await latest.store.users.findById(kept.id), kept);
        await latest.store.loginFailures.reserve([{ key: 'account:x', limit: 1 }], 1, 60);
      } finally {
        await latest.store.close();
      }
    });

    it('are applied once when four processes start on one empty database at the same time', async () => {
      const url = await database.freshDatabase();
      const outputs = await Promise.all([1, 2, 3, 4].map(() => inChild('open-in-child.ts', [url])));
      const applied = outputs.flatMap((output) => JSON.parse(output) as number[]);
      assert.deepEqual(applied.sort(), versions, `applied per process: ${outputs.join(' ')}`);
    });
  });
}
