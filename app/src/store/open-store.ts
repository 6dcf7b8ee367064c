/** Chooses the store from DATABASE_URL, opens it and brings its schema up to date. */
import { ConfigError } from '../config/load-config.ts';
import { ConfigValueError } from '../config/parsers.ts';
import { defaultOf } from '../config/setting.ts';
import { settings } from '../config/settings.ts';
import { databaseTarget, type DatabaseTarget } from '../config/database-url.ts';
import type { Migration } from './migrations.ts';
import { openPostgresStore } from './postgres/postgres-store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';
import type { Store } from './store.ts';

export interface StoreOptions {
  /** DATABASE_POOL_SIZE: PostgreSQL connections of this process. */
  poolSize: number;
  /** DATABASE_TIMEOUT: the bound on a PostgreSQL connection or query. */
  timeoutSeconds: number;
  /** DATABASE_PASSWORD_FILE: the PostgreSQL password, from a file. */
  passwordFile?: string | undefined;
  /** The migrations to apply; all of them but in the store tests. */
  migrations?: readonly Migration[];
}

/** The settings' defaults, for a store opened without a configuration (the tests, the benches). */
const defaults: StoreOptions = {
  poolSize: defaultOf(settings.databasePoolSize, 'production'),
  timeoutSeconds: defaultOf(settings.databaseTimeoutSeconds, 'production'),
};

/** DATABASE_URL read, or a ConfigError naming it. */
export function targetOf(databaseUrl: string, passwordFile?: string): DatabaseTarget {
  try {
    return databaseTarget(databaseUrl, passwordFile);
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
  databaseUrl: string,
  at: number,
  options: Partial<StoreOptions> = {},
): Promise<{ store: Store; applied: Migration[] }> {
  const { poolSize, timeoutSeconds, migrations, passwordFile } = { ...defaults, ...options };
  const target = targetOf(databaseUrl, passwordFile);
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
  databaseUrl: string,
  at: number,
  options: Partial<StoreOptions> = {},
): Promise<Store> {
  return (await openStoreMigrating(databaseUrl, at, options)).store;
}
