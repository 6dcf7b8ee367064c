/**
 * A limit on how many password hashes run at once in this process, and on how many may wait.
 * scrypt is memory-hard (128 MiB a hash at OWASP's parameters): more hashes at once than cores
 * thrash the caches, make every login slower, and leave the event loop, which serves every other
 * request, without a core. Measured with npm run loadtest on 2 cores: four at once (libuv's
 * default pool size) pushed the dev server's mixed-scenario p95 from about 6 ms to 800 ms.
 *
 * The wait is bounded too: a flood of logins would otherwise queue without end, and a real user's
 * login behind it would wait for all of them (29 s measured behind 90 at once, then nginx's 504).
 * Past the bound, work is refused at once with HashingBusyError. Work marked `behind` (a login
 * from an address that has failed before) waits behind the rest, and gives its place up to it
 * when the queue is full: a flood of failing addresses cannot keep a real user out of the queue.
 */
export interface SlotOptions {
  /** Runs after unmarked work, and is refused first when the queue is full. */
  behind?: boolean;
}

export type Slots = <T>(work: () => Promise<T>, options?: SlotOptions) => Promise<T>;

export class HashingBusyError extends Error {
  override name = 'HashingBusyError';
}

interface Waiter {
  go: () => void;
  refuse: (error: HashingBusyError) => void;
}

export function hashingSlots(size: number, maxWaiting = Infinity): Slots {
  let running = 0;
  const first: Waiter[] = [];
  const behind: Waiter[] = [];
  const busy = () =>
    new HashingBusyError(`${running} hashes running and ${first.length + behind.length} waiting`);
  const release = () => {
    running -= 1;
    (first.shift() ?? behind.shift())?.go();
  };
  const wait = (options: SlotOptions) =>
    new Promise<void>((go, refuse) => {
      if (first.length + behind.length >= maxWaiting) {
        const displaced = options.behind ? undefined : behind.pop();
        if (!displaced) throw busy();
        displaced.refuse(busy());
      }
      (options.behind ? behind : first).push({ go, refuse });
    });
  return async (work, options = {}) => {
    if (running >= size) await wait(options);
    running += 1;
    try {
      return await work();
    } finally {
      release();
    }
  };
}
