/**
 * The schema, as numbered migrations applied in order at start-up. A migration, once released, is
 * never edited: a change is a new entry. Times are epoch seconds.
 */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'users and refresh tokens',
    sql: `
      CREATE TABLE users (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        username TEXT NOT NULL UNIQUE,
        password_hash TEXT NOT NULL,
        is_active INTEGER NOT NULL DEFAULT 1,
        date_joined INTEGER NOT NULL,
        last_login INTEGER
      );
      CREATE TABLE outstanding_tokens (
        jti TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        family_id TEXT NOT NULL,
        parent_jti TEXT,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
      );
      CREATE INDEX outstanding_tokens_user ON outstanding_tokens (user_id);
      CREATE INDEX outstanding_tokens_family ON outstanding_tokens (family_id);
      CREATE INDEX outstanding_tokens_expiry ON outstanding_tokens (expires_at);
      CREATE TABLE blacklisted_tokens (
        jti TEXT PRIMARY KEY REFERENCES outstanding_tokens (jti) ON DELETE CASCADE,
        reason TEXT NOT NULL,
        blacklisted_at INTEGER NOT NULL
      );
    `,
  },
  {
    version: 2,
    name: 'failed logins, counted per account and per address',
    sql: `
      CREATE TABLE login_failures (
        key TEXT PRIMARY KEY,
        window_start INTEGER NOT NULL,
        failures INTEGER NOT NULL
      );
      CREATE INDEX login_failures_window ON login_failures (window_start);
    `,
  },
];
