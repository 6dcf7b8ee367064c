import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { HashingBusyError, hashingSlots } from '../../src/users/hashing-slots.ts';

describe('hashing slots', () => {
  it('run at most their size at once, and every piece of work in the end', async () => {
    const slot = hashingSlots(2);
    let running = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        slot(async () => {
          running += 1;
          most = Math.max(most, running);
          await sleep(10);
          running -= 1;
          return i;
        }),
      ),
    );
    assert.equal(most, 2);
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5, 6]);
  });

  it('free the slot of work that failed', async () => {
    const slot = hashingSlots(1);
    await assert.rejects(
      slot(() => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(await slot(() => Promise.resolve('next')), 'next');
  });

  it('refuse work at once when as many are waiting as they allow, and take more as the queue drains', async () => {
    const slot = hashingSlots(1, 2);
    let finish = () => {};
    const held = slot(() => new Promise<void>((resolve) => (finish = resolve)));
    const queued = [slot(() => Promise.resolve('a')), slot(() => Promise.resolve('b'))];
    await assert.rejects(
      slot(() => Promise.resolve('c')),
      HashingBusyError,
    );
    finish();
    await held;
    assert.deepEqual(await Promise.all(queued), ['a', 'b']);
    assert.equal(await slot(() => Promise.resolve('d')), 'd');
  });

  it('run work marked behind after the rest, and give its place up when the queue is full', async () => {
    const slot = hashingSlots(1, 2);
    const order: string[] = [];
    const job = (name: string) => () => {
      order.push(name);
      return Promise.resolve(name);
    };
    let finish = () => {};
    const held = slot(() => new Promise<void>((resolve) => (finish = resolve)));
    const failing = slot(job('failing-1'), { behind: true });
    const displaced = slot(job('failing-2'), { behind: true });
    const real = slot(job('real'));
    await assert.rejects(displaced, HashingBusyError);
    await assert.rejects(slot(job('failing-3'), { behind: true }), HashingBusyError);
    finish();
    await Promise.all([held, failing, real]);
    assert.deepEqual(order, ['real', 'failing-1']);
  });
});
