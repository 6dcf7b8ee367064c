import type { Store } from '../store.ts';
import { StoreOpenError } from '../store.ts';
import type { Migration } from '../migrations.ts';
import { postgresLoginFailureRepository } from './postgres-login-failure-repository.ts';
import { migratePostgres } from './postgres-migrations.ts';
import { createPool, run, type PoolOptions } from './postgres-pool.ts';
import { postgresTokenRepository } from './postgres-token-repository.ts';
import { postgresUserRepository } from './postgres-user-repository.ts';

/** What went wrong, in words a person can act on; the server's own text where it gave one. */
function reasonOf(error: unknown, timeoutSeconds: number): string {
  const { code, message } = error as NodeJS.ErrnoException;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is PostgreSQL running and listening there?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    default:
      return /timeout/i.test(message)
        ? `no answer within ${timeoutSeconds} s (DATABASE_TIMEOUT)`
        : message;
  }
}

export interface PostgresStoreOptions extends PoolOptions {
  /** The URL without its password, named in the error that stops start-up. */
  shown: string;
  /** Applied at open; the store tests open older versions with fewer. */
  migrations?: readonly Migration[];
}

/** Connects, migrates, and answers a store; a server that will not serve stops it in one line. */
export async function openPostgresStore(
  options: PostgresStoreOptions,
  at: number,
): Promise<{ store: Store; applied: Migration[] }> {
  const pool = createPool(options);
  let applied: Migration[];
  try {
    applied = await migratePostgres(pool, at, options.migrations);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw new StoreOpenError(
      `cannot use the database at DATABASE_URL=${options.shown}: ${reasonOf(error, options.timeoutSeconds)}`,
      { cause: error },
    );
  }
  let closed = false;
  const store: Store = {
    users: postgresUserRepository(pool),
    tokens: postgresTokenRepository(pool),
    loginFailures: postgresLoginFailureRepository(pool),
    async ping() {
      await run(pool, 'ping', 'SELECT 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      // Waits for the connections in use to come back, then closes every one.
      await pool.end();
    },
  };
  return { store, applied };
}
