import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { FailureWindow, LoginFailureRepository, Reservation } from '../store.ts';
import { inWriteTransaction } from './sqlite-database.ts';

/**
 * Prepared at first use: the table came with migration 2, and the migration tests open a store on
 * a database of the version before it.
 */
function lazily(db: DatabaseSync, sql: string): { readonly statement: StatementSync } {
  let prepared: StatementSync | undefined;
  return {
    get statement() {
      prepared ??= db.prepare(sql);
      return prepared;
    },
  };
}

export function sqliteLoginFailureRepository(db: DatabaseSync): LoginFailureRepository {
  // One statement per key: the window and the count change together.
  const count = lazily(
    db,
    `
    INSERT INTO login_failures (key, window_start, failures) VALUES (:key, :at, 1)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN window_start <= :at - :window THEN 1 ELSE failures + 1 END,
      window_start = CASE WHEN window_start <= :at - :window THEN :at ELSE window_start END
  `,
  );
  const uncount = lazily(
    db,
    'UPDATE login_failures SET failures = failures - 1 WHERE key = ? AND window_start > ? AND failures > 0',
  );
  const open = lazily(
    db,
    'SELECT window_start, failures FROM login_failures WHERE key = ? AND window_start > ? AND failures > 0',
  );
  const clear = lazily(db, 'DELETE FROM login_failures WHERE key = ?');
  const clearPrefixed = lazily(
    db,
    'DELETE FROM login_failures WHERE substr(key, 1, length(:prefix)) = :prefix',
  );
  const flush = lazily(db, 'DELETE FROM login_failures WHERE window_start <= ?');

  const windowOf = (key: string, at: number, windowSeconds: number) => {
    const row = open.statement.get(key, at - windowSeconds);
    return row && { failures: Number(row.failures), windowStart: Number(row.window_start) };
  };

  return {
    reserve(limits, at, windowSeconds) {
      // The write lock, taken before the counts are read, makes read-decide-count one step for
      // every worker on this file.
      const reservation = inWriteTransaction(db, (): Reservation => {
        const failuresBefore = new Map<string, number>();
        const waits = limits.flatMap(({ key, limit }) => {
          const window = windowOf(key, at, windowSeconds);
          failuresBefore.set(key, window?.failures ?? 0);
          return window && window.failures >= limit
            ? [window.windowStart + windowSeconds - at]
            : [];
        });
        if (waits.length > 0) return { granted: false, retryAfterSeconds: Math.max(...waits) };
        for (const { key } of limits) count.statement.run({ key, at, window: windowSeconds });
        return { granted: true, failuresBefore };
      });
      return Promise.resolve(reservation);
    },
    release(keys, at, windowSeconds) {
      for (const key of keys) uncount.statement.run(key, at - windowSeconds);
      return Promise.resolve();
    },
    open(keys, at, windowSeconds) {
      const windows = new Map<string, FailureWindow>();
      for (const key of keys) {
        const window = windowOf(key, at, windowSeconds);
        if (window) windows.set(key, window);
      }
      return Promise.resolve(windows);
    },
    clear(keys, prefix) {
      for (const key of keys) clear.statement.run(key);
      if (prefix !== undefined) clearPrefixed.statement.run({ prefix });
      return Promise.resolve();
    },
    flushExpired(at, windowSeconds) {
      return Promise.resolve(Number(flush.statement.run(at - windowSeconds).changes));
    },
  };
}
