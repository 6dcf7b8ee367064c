/**
 * Refresh tokens on PostgreSQL. Each guarantee is one statement at the default READ COMMITTED
 * isolation, decided by the primary key of blacklisted_tokens: an INSERT ... ON CONFLICT DO
 * NOTHING that meets a row another transaction is inserting waits for that transaction and then
 * does nothing, so of concurrent blacklistings or rotations of one token exactly one inserts the
 * row, on one host or many. No lock is held across round trips.
 */
import type pg from 'pg';
import type {
  Blacklisting,
  OutstandingToken,
  RevocationReason,
  TokenRepository,
} from '../store.ts';
import { run, type Rows } from './postgres-pool.ts';

const toOutstanding = (row: Rows[number]): OutstandingToken => ({
  jti: String(row.jti),
  userId: Number(row.user_id),
  familyId: String(row.family_id),
  parentJti: typeof row.parent_jti === 'string' ? row.parent_jti : null,
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
});

const toBlacklisting = (row: Rows[number]): Blacklisting => ({
  jti: String(row.jti),
  reason: String(row.reason) as RevocationReason,
  blacklistedAt: Number(row.blacklisted_at),
});

const values = (t: OutstandingToken) => [
  t.jti,
  t.userId,
  t.familyId,
  t.parentJti,
  t.createdAt,
  t.expiresAt,
];

/** Records the token in $1..$6 unless it is known (simplejwt records a token on first sight). */
const recordFirst = `known AS (
  INSERT INTO outstanding_tokens (jti, user_id, family_id, parent_jti, created_at, expires_at)
  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (jti) DO NOTHING
)`;

/** Blacklists the live tokens matching `where` ($3), skipping those blacklisted already. */
const revokeWhere = (where: string) =>
  `INSERT INTO blacklisted_tokens (jti, reason, blacklisted_at)
   SELECT jti, $1::text, $2::bigint FROM outstanding_tokens WHERE ${where} = $3 AND expires_at > $2::bigint
   ON CONFLICT (jti) DO NOTHING`;

export function postgresTokenRepository(pool: pg.Pool): TokenRepository {
  /**
   * A statement sees the tokens committed when it began: a rotation committing meanwhile can add
   * a child it misses (it waits on the parent's row, then skips it). Repeating until nothing is
   * left catches that child, as the next statement sees what committed before it.
   */
  async function revokeAll(name: string, where: string, key: unknown, reason: string, at: number) {
    let total = 0;
    for (;;) {
      const { count } = await run(pool, name, revokeWhere(where), [reason, at, key]);
      if (count === 0) return total;
      total += count;
    }
  }

  return {
    async recordOutstanding(token) {
      await run(
        pool,
        'tokens-record',
        `INSERT INTO outstanding_tokens (jti, user_id, family_id, parent_jti, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (jti) DO NOTHING`,
        values(token),
      );
    },
    async findOutstanding(jti) {
      const { rows } = await run(
        pool,
        'tokens-outstanding',
        'SELECT * FROM outstanding_tokens WHERE jti = $1',
        [jti],
      );
      return rows[0] && toOutstanding(rows[0]);
    },
    async findBlacklisting(jti) {
      const { rows } = await run(
        pool,
        'tokens-blacklisting',
        'SELECT jti, reason, blacklisted_at FROM blacklisted_tokens WHERE jti = $1',
        [jti],
      );
      return rows[0] && toBlacklisting(rows[0]);
    },
    async blacklist(token, reason, at) {
      const { count } = await run(
        pool,
        'tokens-blacklist',
        `WITH ${recordFirst}
         INSERT INTO blacklisted_tokens (jti, reason, blacklisted_at) VALUES ($1, $7, $8)
         ON CONFLICT (jti) DO NOTHING`,
        [...values(token), reason, at],
      );
      return count === 1;
    },
    async rotate(old, next, at) {
      // The child is inserted only from the row the blacklisting inserted: when another rotation
      // got there first, nothing is recorded.
      const { count } = await run(
        pool,
        'tokens-rotate',
        `WITH ${recordFirst},
         won AS (
           INSERT INTO blacklisted_tokens (jti, reason, blacklisted_at) VALUES ($1, 'rotated', $13)
           ON CONFLICT (jti) DO NOTHING RETURNING jti
         )
         INSERT INTO outstanding_tokens (jti, user_id, family_id, parent_jti, created_at, expires_at)
         SELECT $7::text, $8::bigint, $9::text, $10::text, $11::bigint, $12::bigint FROM won`,
        [...values(old), ...values(next), at],
      );
      return count === 1;
    },
    revokeFamily: (familyId, reason, at) =>
      revokeAll('tokens-revoke-family', 'family_id', familyId, reason, at),
    revokeUser: (userId, reason, at) =>
      revokeAll('tokens-revoke-user', 'user_id', userId, reason, at),
    async flushExpired(at) {
      // Blacklist rows go with their outstanding row (ON DELETE CASCADE).
      const { count } = await run(
        pool,
        'tokens-flush',
        'DELETE FROM outstanding_tokens WHERE expires_at <= $1',
        [at],
      );
      return count;
    },
    async listLive(at) {
      const { rows } = await run(
        pool,
        'tokens-live',
        `SELECT o.*, b.reason, b.blacklisted_at FROM outstanding_tokens o
         LEFT JOIN blacklisted_tokens b USING (jti) WHERE o.expires_at > $1 ORDER BY o.created_at, o.jti`,
        [at],
      );
      return rows.map((row) => ({
        token: toOutstanding(row),
        blacklisting: row.reason === null ? undefined : toBlacklisting(row),
      }));
    },
  };
}
