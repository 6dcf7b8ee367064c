import type { Store } from '../store.ts';
import { openSqliteDatabase } from './sqlite-database.ts';
import { sqliteLoginFailureRepository } from './sqlite-login-failure-repository.ts';
import { sqliteTokenRepository } from './sqlite-token-repository.ts';
import { sqliteUserRepository } from './sqlite-user-repository.ts';

export function openSqliteStore(path: string, at: number): Store {
  const db = openSqliteDatabase(path, at);
  const ping = db.prepare('SELECT 1');
  return {
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
}
