/** Chooses the store from DATABASE_URL, opens it and brings its schema up to date. */
import {
  ConfigError,
  ConfigValueError,
  databaseTarget,
  defaultOf,
  type DatabaseTarget,
} from '../../../settings/index.ts';
import { settings } from '../config/settings.ts';
import type { Migration } from './migrations.ts';
import { openPostgresStore } from './postgres/postgres-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export interface StoreOptions {
  /** DATABASE_POOL_SIZE: PostgreSQL connections of this process. */
  poolSize: number;
  /** DATABASE_TIMEOUT: the bound on a PostgreSQL connection or query. */
  timeoutSeconds: number;
  /** The migrations to apply; all of them but in the store tests. */
  migrations?: readonly Migration[];
}

/** The settings' defaults, for a store opened without a configuration (the tests, the benches). */
const defaults: StoreOptions = {
  poolSize: defaultOf(settings.databasePoolSize, 'production'),
  timeoutSeconds: defaultOf(settings.databaseTimeoutSeconds, 'production'),
};

/**
 * A database named by its URL (the tests, the benches, `db copy`'s source) read, or a ConfigError
 * naming DATABASE_URL; a configuration has it read already (Config.database).
 */
export function targetOf(database: string | DatabaseTarget): DatabaseTarget {
  if (typeof database !== 'string') return database;
  try {
    return databaseTarget(database);
  } catch (error) {
    if (error instanceof ConfigValueError)
      throw new ConfigError([`DATABASE_URL: ${error.message}`]);
    throw error;
  }
}

/** `sqlite:var/app.sqlite3`, `sqlite:/abs/path.sqlite3`, `sqlite:///abs/path` or `sqlite::memory:`. */
export function sqlitePath(databaseUrl: string): string {
  const target = targetOf(databaseUrl);
  if (target.kind !== 'sqlite') {
    throw new ConfigError([`DATABASE_URL: expected sqlite:<path>, got "${target.shown}"`]);
  }
  return target.path;
}

/** Opens the store and says which migrations it applied. */
export async function openStoreMigrating(
  database: string | DatabaseTarget,
  at: number,
  options: Partial<StoreOptions> = {},
): Promise<{ store: Store; applied: Migration[] }> {
  const { poolSize, timeoutSeconds, migrations } = { ...defaults, ...options };
  const target = targetOf(database);
  if (target.kind === 'sqlite') return openSqliteStore(target.path, at, migrations);
  return openPostgresStore(
    {
      connectionString: target.connectionString,
      ssl: target.ssl,
      shown: target.shown,
      size: poolSize,
      timeoutSeconds,
      ...(migrations ? { migrations } : {}),
    },
    at,
  );
}

export async function openStore(
  database: string | DatabaseTarget,
  at: number,
  options: Partial<StoreOptions> = {},
): Promise<Store> {
  return (await openStoreMigrating(database, at, options)).store;
}
