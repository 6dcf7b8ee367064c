import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { FailureWindow, LoginFailureRepository } from '../store.ts';

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
  // One statement per key: the window and the count change together, whichever worker writes.
  const record = lazily(
    db,
    `
    INSERT INTO login_failures (key, window_start, failures) VALUES (:key, :at, 1)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN window_start <= :at - :window THEN 1 ELSE failures + 1 END,
      window_start = CASE WHEN window_start <= :at - :window THEN :at ELSE window_start END
  `,
  );
  const open = lazily(
    db,
    'SELECT window_start, failures FROM login_failures WHERE key = ? AND window_start > ?',
  );
  const clear = lazily(db, 'DELETE FROM login_failures WHERE key = ?');
  const flush = lazily(db, 'DELETE FROM login_failures WHERE window_start <= ?');

  return {
    record(keys, at, windowSeconds) {
      for (const key of keys) record.statement.run({ key, at, window: windowSeconds });
      return Promise.resolve();
    },
    open(keys, at, windowSeconds) {
      const windows = new Map<string, FailureWindow>();
      for (const key of keys) {
        const row = open.statement.get(key, at - windowSeconds);
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
      clear.statement.run(key);
      return Promise.resolve();
    },
    flushExpired(at, windowSeconds) {
      return Promise.resolve(Number(flush.statement.run(at - windowSeconds).changes));
    },
  };
}
