/** Chooses the store from DATABASE_URL. */
import { ConfigError } from '../config/load-config.ts';
import type { Store } from './store.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

/** `sqlite:var/app.sqlite3`, `sqlite:/abs/path.sqlite3`, `sqlite:///abs/path` or `sqlite::memory:`. */
export function sqlitePath(databaseUrl: string): string {
  const match = /^sqlite:(?:\/\/)?(.+)$/.exec(databaseUrl);
  if (!match?.[1]) {
    throw new ConfigError([
      `DATABASE_URL: expected sqlite:<path> (for example sqlite:var/app.sqlite3), got "${databaseUrl}"`,
    ]);
  }
  return match[1];
}

export function openStore(databaseUrl: string, at: number): Store {
  return openSqliteStore(sqlitePath(databaseUrl), at);
}
