/**
 * A limit on how many password hashes run at once in this process, and on how many may wait.
 * scrypt is memory-hard (128 MiB a hash at OWASP's parameters): more hashes at once than cores
 * thrash the caches, make every login slower, and leave the event loop, which serves every other
 * request, without a core. Measured with npm run loadtest on 2 cores: four at once (libuv's
 * default pool size) pushed the dev server's mixed-scenario p95 from about 6 ms to 800 ms.
 *
 * The wait is bounded too: a flood of logins would otherwise queue without end, and a real user's
 * login behind it would wait for all of them (29 s measured behind 90 at once, then nginx's 504).
 * Past the bound, work is refused at once with HashingBusyError.
 */
export type Slots = <T>(work: () => Promise<T>) => Promise<T>;

export class HashingBusyError extends Error {
  override name = 'HashingBusyError';
}

export function hashingSlots(size: number, maxWaiting = Infinity): Slots {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running -= 1;
    waiting.shift()?.();
  };
  return async (work) => {
    if (running >= size) {
      if (waiting.length >= maxWaiting) {
        throw new HashingBusyError(`${running} hashes running and ${waiting.length} waiting`);
      }
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running += 1;
    try {
      return await work();
    } finally {
      release();
    }
  };
}
