import type { DatabaseSync } from 'node:sqlite';
import type {
  Blacklisting,
  OutstandingToken,
  RevocationReason,
  TokenRepository,
} from '../store.ts';
import { inWriteTransaction } from './sqlite-database.ts';

type Row = Record<string, unknown>;

const toOutstanding = (row: Row): OutstandingToken => ({
  jti: String(row.jti),
  userId: Number(row.user_id),
  familyId: String(row.family_id),
  parentJti: row.parent_jti === null ? null : (row.parent_jti as string),
  createdAt: Number(row.created_at),
  expiresAt: Number(row.expires_at),
});

const toBlacklisting = (row: Row): Blacklisting => ({
  jti: String(row.jti),
  reason: String(row.reason) as RevocationReason,
  blacklistedAt: Number(row.blacklisted_at),
});

export function sqliteTokenRepository(db: DatabaseSync): TokenRepository {
  const insertOutstanding = db.prepare(
    `INSERT INTO outstanding_tokens (jti, user_id, family_id, parent_jti, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (jti) DO NOTHING`,
  );
  const outstanding = db.prepare('SELECT * FROM outstanding_tokens WHERE jti = ?');
  const blacklisting = db.prepare('SELECT * FROM blacklisted_tokens WHERE jti = ?');
  // ON CONFLICT DO NOTHING turns "is it blacklisted yet?" and "blacklist it" into one statement:
  // `changes` tells the caller whether it was the one that blacklisted it.
  const insertBlacklisting = db.prepare(
    'INSERT INTO blacklisted_tokens (jti, reason, blacklisted_at) VALUES (?, ?, ?) ON CONFLICT (jti) DO NOTHING',
  );
  const revokeFamily = db.prepare(
    `INSERT INTO blacklisted_tokens (jti, reason, blacklisted_at)
     SELECT jti, ?, ? FROM outstanding_tokens WHERE family_id = ? AND expires_at > ?
     ON CONFLICT (jti) DO NOTHING`,
  );
  const revokeUser = db.prepare(
    `INSERT INTO blacklisted_tokens (jti, reason, blacklisted_at)
     SELECT jti, ?, ? FROM outstanding_tokens WHERE user_id = ? AND expires_at > ?
     ON CONFLICT (jti) DO NOTHING`,
  );
  const deleteExpired = db.prepare('DELETE FROM outstanding_tokens WHERE expires_at <= ?');
  const live = db.prepare(
    `SELECT o.*, b.reason, b.blacklisted_at FROM outstanding_tokens o
     LEFT JOIN blacklisted_tokens b USING (jti) WHERE o.expires_at > ? ORDER BY o.created_at, o.jti`,
  );

  const record = (t: OutstandingToken) =>
    insertOutstanding.run(t.jti, t.userId, t.familyId, t.parentJti, t.createdAt, t.expiresAt);

  return {
    recordOutstanding(token) {
      record(token);
      return Promise.resolve();
    },
    findOutstanding(jti) {
      const row = outstanding.get(jti) as Row | undefined;
      return Promise.resolve(row && toOutstanding(row));
    },
    findBlacklisting(jti) {
      const row = blacklisting.get(jti) as Row | undefined;
      return Promise.resolve(row && toBlacklisting(row));
    },
    blacklist(token, reason, at) {
      const won = inWriteTransaction(db, () => {
        record(token);
        return insertBlacklisting.run(token.jti, reason, at).changes === 1;
      });
      return Promise.resolve(won);
    },
    rotate(old, next, at) {
      const won = inWriteTransaction(db, () => {
        record(old);
        if (insertBlacklisting.run(old.jti, 'rotated', at).changes !== 1) return false;
        record(next);
        return true;
      });
      return Promise.resolve(won);
    },
    revokeFamily(familyId, reason, at) {
      return Promise.resolve(Number(revokeFamily.run(reason, at, familyId, at).changes));
    },
    revokeUser(userId, reason, at) {
      return Promise.resolve(Number(revokeUser.run(reason, at, userId, at).changes));
    },
    flushExpired(at) {
      // Blacklist rows go with their outstanding row (ON DELETE CASCADE).
      return Promise.resolve(Number(deleteExpired.run(at).changes));
    },
    listLive(at) {
      const rows = live.all(at) as Row[];
      return Promise.resolve(
        rows.map((row) => ({
          token: toOutstanding(row),
          blacklisting: row.reason === null ? undefined : toBlacklisting(row),
        })),
      );
    },
  };
}
