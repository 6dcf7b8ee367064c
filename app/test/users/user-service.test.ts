import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock } from '../support/fake-clock.ts';
import { openStore } from '../../src/store/open-store.ts';
import type { Store } from '../../src/store/store.ts';
import { createUserService, UserInputError } from '../../src/users/user-service.ts';
import { tempDir } from '../../../testing/temp-dir.ts';

describe('the user service', () => {
  let store: Store;
  const clock = new FakeClock();
  const weak = {
    scrypt: { logN: 10, r: 8, p: 1 },
    updateLastLogin: true,
    hashConcurrency: 2,
    loginQueueDepth: 8,
    throttle: { perAccountAndAddress: 0, perAddress: 0, perAccount: 0, windowSeconds: 60 },
  };

  before(async () => {
    store = await openStore(`sqlite:${tempDir()}/users.sqlite3`, 0);
  });
  after(() => store.close());

  it('refuses a duplicate username, an empty password and a bad username', async () => {
    const users = createUserService(store, clock, weak);
    await users.create('alice', 'pw');
    await assert.rejects(
      users.create('alice', 'pw'),
      new UserInputError('user "alice" already exists'),
    );
    await assert.rejects(users.create('bob', ''), new UserInputError('password must not be empty'));
    await assert.rejects(users.create('bad name', 'pw'), /letters, digits and @ \. \+ - _ only/);
  });

  it('rehashes a password at login once the cost has been raised', async () => {
    await createUserService(store, clock, weak).create('carol', 'pw');
    const stronger = createUserService(store, clock, { ...weak, scrypt: { logN: 11, r: 8, p: 1 } });
    await stronger.authenticate('carol', 'pw');
    const carol = await store.users.findByUsername('carol');
    assert.match(carol?.passwordHash ?? '', /^scrypt\$ln=11,/);
  });

  it('fails every bad login with the same error', async () => {
    const users = createUserService(store, clock, weak);
    await users.create('dave', 'pw');
    await users.deactivate('dave');
    for (const [username, password] of [
      ['dave', 'pw'],
      ['alice', 'nope'],
      ['nobody', 'pw'],
    ] as const) {
      await assert.rejects(users.authenticate(username, password), {
        code: 'no_active_account',
        message: 'No active account found with the given credentials',
      });
    }
  });
});
