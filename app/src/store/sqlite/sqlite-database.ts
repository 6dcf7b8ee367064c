/**
 * Opens the SQLite file with the settings that let several processes (pm2 workers) share it, and
 * brings its schema up to date.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { migrations as allMigrations, type Migration } from '../migrations.ts';

/** Runs `work` in a write transaction; BEGIN IMMEDIATE takes the write lock up front so two
 * processes cannot both read a row and then both decide to change it. */
export function inWriteTransaction<T>(db: DatabaseSync, work: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

function migrate(db: DatabaseSync, at: number, migrations: readonly Migration[]): Migration[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  // Workers start together: the lock makes one apply the migrations and the others see them done.
  return inWriteTransaction(db, () => {
    const applied = new Set(
      db
        .prepare('SELECT version FROM schema_migrations')
        .all()
        .map((row) => Number(row.version)),
    );
    const pending = migrations.filter((migration) => !applied.has(migration.version));
    for (const migration of pending) {
      db.exec(migration.sqlite);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        at,
      );
    }
    return pending;
  });
}

/**
 * The file holds password hashes: its owner alone may read it, whatever the umask. SQLite gives
 * the -wal and -shm files the database file's permissions; an older file is brought in line.
 */
function ownerOnly(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

export function openSqliteDatabase(
  path: string,
  at: number,
  migrations: readonly Migration[] = allMigrations,
): { db: DatabaseSync; applied: Migration[] } {
  if (path !== ':memory:') ownerOnly(path);
  const db = new DatabaseSync(path);
  // WAL lets readers go on while one process writes; the busy timeout makes a writer wait for the
  // lock instead of failing at once. https://www.sqlite.org/wal.html
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  return { db, applied: migrate(db, at, migrations) };
}
