/**
 * A limit on how many password hashes run at once in this process. scrypt is memory-hard (128 MiB
 * a hash at OWASP's parameters): more hashes at once than cores thrash the caches, make every
 * login slower, and leave the event loop, which serves every other request, without a core.
 * Measured with npm run loadtest on 2 cores: four at once (libuv's default pool size) pushed the
 * dev server's mixed-scenario p95 from about 6 ms to 800 ms.
 */
export type Slots = <T>(work: () => Promise<T>) => Promise<T>;

export function hashingSlots(size: number): Slots {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    running -= 1;
    waiting.shift()?.();
  };
  return async (work) => {
    if (running >= size) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await work();
    } finally {
      release();
    }
  };
}
