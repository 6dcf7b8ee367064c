import type { DatabaseSync } from 'node:sqlite';
import type { FailureWindow, LoginFailureRepository } from '../store.ts';

export function sqliteLoginFailureRepository(db: DatabaseSync): LoginFailureRepository {
  // One statement per key: the window and the count change together, whichever worker writes.
  const record = db.prepare(`
    INSERT INTO login_failures (key, window_start, failures) VALUES (:key, :at, 1)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN window_start <= :at - :window THEN 1 ELSE failures + 1 END,
      window_start = CASE WHEN window_start <= :at - :window THEN :at ELSE window_start END
  `);
  const open = db.prepare(
    'SELECT window_start, failures FROM login_failures WHERE key = ? AND window_start > ?',
  );
  const clear = db.prepare('DELETE FROM login_failures WHERE key = ?');
  const flush = db.prepare('DELETE FROM login_failures WHERE window_start <= ?');

  return {
    record(keys, at, windowSeconds) {
      for (const key of keys) record.run({ key, at, window: windowSeconds });
      return Promise.resolve();
    },
    open(keys, at, windowSeconds) {
      const windows = new Map<string, FailureWindow>();
      for (const key of keys) {
        const row = open.get(key, at - windowSeconds);
        if (row) {
          windows.set(key, {
            failures: Number(row.failures),
            windowStart: Number(row.window_start),
          });
        }
      }
      return Promise.resolve(windows);
    },
    clear(key) {
      clear.run(key);
      return Promise.resolve();
    },
    flushExpired(at, windowSeconds) {
      return Promise.resolve(Number(flush.run(at - windowSeconds).changes));
    },
  };
}
