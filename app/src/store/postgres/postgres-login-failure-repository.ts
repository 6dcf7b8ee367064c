import type pg from 'pg';
import type { FailureWindow, LoginFailureRepository, Reservation } from '../store.ts';
import { inTransaction, run } from './postgres-pool.ts';

const windowClosed = 'f.window_start <= $2::bigint - $3::bigint';

export function postgresLoginFailureRepository(pool: pg.Pool): LoginFailureRepository {
  return {
    reserve(limits, at, windowSeconds) {
      const keys = limits.map(({ key }) => key).sort();
      return inTransaction(pool, async (query): Promise<Reservation> => {
        // Every key's row made to exist and locked, in one order for every transaction (no
        // deadlock), a closed window reset: a concurrent attempt on any of these keys waits here
        // until this one has decided and counted.
        const rows = await query(
          'login-attempts-lock',
          `INSERT INTO login_failures AS f (key, window_start, failures)
           SELECT key, $2::bigint, 0 FROM unnest($1::text[]) AS key ORDER BY key
           ON CONFLICT (key) DO UPDATE SET
             failures = CASE WHEN ${windowClosed} THEN 0 ELSE f.failures END,
             window_start = CASE WHEN ${windowClosed} THEN $2::bigint ELSE f.window_start END
           RETURNING key, window_start, failures`,
          [keys, at, windowSeconds],
        );
        const limitOf = new Map(limits.map(({ key, limit }) => [key, limit]));
        const waits = rows.flatMap((row) =>
          Number(row.failures) >= (limitOf.get(String(row.key)) ?? Infinity)
            ? [Number(row.window_start) + windowSeconds - at]
            : [],
        );
        if (waits.length > 0) return { granted: false, retryAfterSeconds: Math.max(...waits) };
        await query(
          'login-attempts-count',
          'UPDATE login_failures SET failures = failures + 1 WHERE key = ANY($1::text[])',
          [keys],
        );
        const failuresBefore = new Map(rows.map((row) => [String(row.key), Number(row.failures)]));
        return { granted: true, failuresBefore };
      });
    },
    async release(keys, at, windowSeconds) {
      // A statement per key, each holding one row's lock: none can wait on a reservation that
      // waits on it.
      for (const key of keys) {
        await run(
          pool,
          'login-attempts-release',
          'UPDATE login_failures SET failures = failures - 1 WHERE key = $1 AND window_start > $2 AND failures > 0',
          [key, at - windowSeconds],
        );
      }
    },
    async open(keys, at, windowSeconds) {
      const { rows } = await run(
        pool,
        'login-failures-open',
        'SELECT key, window_start, failures FROM login_failures WHERE key = ANY($1::text[]) AND window_start > $2 AND failures > 0',
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
    async clear(keys, prefix) {
      for (const key of keys) {
        await run(pool, 'login-failures-clear', 'DELETE FROM login_failures WHERE key = $1', [key]);
      }
      if (prefix !== undefined) {
        await run(
          pool,
          'login-failures-clear-prefixed',
          'DELETE FROM login_failures WHERE starts_with(key, $1)',
          [prefix],
        );
      }
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
