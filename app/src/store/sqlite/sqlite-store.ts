import type { Migration } from '../migrations.ts';
import type { Store } from '../store.ts';
import { openSqliteDatabase } from './sqlite-database.ts';
import { sqliteLoginFailureRepository } from './sqlite-login-failure-repository.ts';
import { sqliteTokenRepository } from './sqlite-token-repository.ts';
import { sqliteUserRepository } from './sqlite-user-repository.ts';

export function openSqliteStore(
  path: string,
  at: number,
  migrations?: readonly Migration[],
): { store: Store; applied: Migration[] } {
  const { db, applied } = openSqliteDatabase(path, at, migrations);
  const ping = db.prepare('SELECT 1');
  const store: Store = {
    users: sqliteUserRepository(db),
    tokens: sqliteTokenRepository(db),
    loginFailures: sqliteLoginFailureRepository(db),
    ping() {
      ping.get();
      return Promise.resolve();
    },
    close() {
      if (db.isOpen) db.close();
      return Promise.resolve();
    },
  };
  return { store, applied };
}
