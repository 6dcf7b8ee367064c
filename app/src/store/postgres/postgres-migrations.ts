/**
 * Applies the migrations a PostgreSQL database lacks. Every worker of every host runs this at
 * start-up, at once: a session-level advisory lock lets one of them apply what is missing while
 * the others wait for it, then find nothing left to do. Each migration commits with its row in
 * schema_migrations, so a failed one leaves the database at the version before it.
 */
import type pg from 'pg';
import { migrations as allMigrations, type Migration } from '../migrations.ts';

/** Any fixed number, the same in every process: the advisory lock that serialises migrating. */
const migrationLock = 7_290_411_053;

export async function migratePostgres(
  pool: pg.Pool,
  at: number,
  migrations: readonly Migration[] = allMigrations,
): Promise<Migration[]> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [migrationLock]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
    );
    const { rows } = await client.query<{ version: number }>(
      'SELECT version FROM schema_migrations',
    );
    const applied = new Set(rows.map((row) => row.version));
    const pending = migrations.filter((migration) => !applied.has(migration.version));
    for (const migration of pending) {
      await client.query('BEGIN');
      try {
        await client.query(migration.postgres);
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          [migration.version, migration.name, at],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
    return pending;
  } finally {
    // The lock lasts as long as the session, and a pooled connection lives on: release it, or
    // destroy the connection when that fails.
    const unlocked = await client.query('SELECT pg_advisory_unlock($1)', [migrationLock]).then(
      () => true,
      () => false,
    );
    client.release(!unlocked);
  }
}
