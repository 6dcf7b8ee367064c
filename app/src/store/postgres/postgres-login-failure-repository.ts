import type pg from 'pg';
import type { FailureWindow, LoginFailureRepository } from '../store.ts';
import { run } from './postgres-pool.ts';

export function postgresLoginFailureRepository(pool: pg.Pool): LoginFailureRepository {
  return {
    async record(keys, at, windowSeconds) {
      // One statement for every key: the window and the count change together, whichever worker
      // writes (the upsert takes the row's lock).
      await run(
        pool,
        'login-failures-record',
        `INSERT INTO login_failures AS f (key, window_start, failures)
         SELECT key, $2::bigint, 1 FROM unnest($1::text[]) AS key
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN f.window_start <= $2::bigint - $3::bigint THEN 1 ELSE f.failures + 1 END,
           window_start = CASE WHEN f.window_start <= $2::bigint - $3::bigint THEN $2::bigint ELSE f.window_start END`,
        [keys, at, windowSeconds],
      );
    },
    async open(keys, at, windowSeconds) {
      const { rows } = await run(
        pool,
        'login-failures-open',
        'SELECT key, window_start, failures FROM login_failures WHERE key = ANY($1::text[]) AND window_start > $2',
        [keys, at - windowSeconds],
      );
      const windows = new Map<string, FailureWindow>();
      for (const row of rows) {
        windows.set(String(row.key), {
          failures: Number(row.failures),
          windowStart: Number(row.window_start),
        });
      }
      return windows;
    },
    async clear(key) {
      await run(pool, 'login-failures-clear', 'DELETE FROM login_failures WHERE key = $1', [key]);
    },
    async flushExpired(at, windowSeconds) {
      const { count } = await run(
        pool,
        'login-failures-flush',
        'DELETE FROM login_failures WHERE window_start <= $1',
        [at - windowSeconds],
      );
      return count;
    },
  };
}
