import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cachedUserLookup } from '../../src/users/user-lookup-cache.ts';
import type { User } from '../../src/store/user-repository.ts';
import { FakeClock } from '../support/fake-clock.ts';

const alice: User = {
  id: 1,
  username: 'alice',
  passwordHash: 'x',
  isActive: true,
  dateJoined: 0,
  lastLogin: null,
};

function countingStore(users: Map<number, User>) {
  let lookups = 0;
  const find = (id: number) => {
    lookups += 1;
    return Promise.resolve(users.get(id));
  };
  return { find, lookups: () => lookups };
}

describe('the user lookup cache', () => {
  it('answers from memory within its TTL, and asks the store again after it', async () => {
    const clock = new FakeClock();
    const users = new Map([[1, alice]]);
    const store = countingStore(users);
    const lookup = cachedUserLookup(store.find, clock, 5);
    assert.equal((await lookup(1))?.username, 'alice');
    users.set(1, { ...alice, isActive: false });
    assert.equal((await lookup(1))?.isActive, true, 'stale within the TTL, as documented');
    assert.equal(store.lookups(), 1);
    clock.advanceSeconds(5);
    assert.equal((await lookup(1))?.isActive, false);
    assert.equal(store.lookups(), 2);
  });

  it('never keeps a user the store does not have', async () => {
    const store = countingStore(new Map());
    const lookup = cachedUserLookup(store.find, new FakeClock(), 5);
    assert.equal(await lookup(7), undefined);
    assert.equal(await lookup(7), undefined);
    assert.equal(store.lookups(), 2);
  });

  it('is the store itself with a TTL of 0', () => {
    const store = countingStore(new Map());
    assert.equal(cachedUserLookup(store.find, new FakeClock(), 0), store.find);
  });
});
