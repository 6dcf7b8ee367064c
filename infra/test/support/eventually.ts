/** Waiting on a swarm that converges in its own time: the tests poll, with a bound. */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

/** Polls every second until `check` gives a value, or fails naming `what` after `seconds`. */
export async function eventually<T>(
  what: string,
  seconds: number,
  check: () => T | undefined,
): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const found = check();
    if (found !== undefined) return found;
    assert.ok(Date.now() < deadline, `${what} within ${seconds} s`);
    await sleep(1000);
  }
}
