import type { DatabaseSync } from 'node:sqlite';
import type { User, UserRepository } from '../user-repository.ts';
import { AlreadyExistsError } from '../store.ts';

type Row = Record<string, unknown>;

const toUser = (row: Row): User => ({
  id: Number(row.id),
  username: String(row.username),
  passwordHash: String(row.password_hash),
  isActive: Number(row.is_active) === 1,
  dateJoined: Number(row.date_joined),
  lastLogin: row.last_login === null ? null : Number(row.last_login),
});

export function sqliteUserRepository(db: DatabaseSync): UserRepository {
  const byId = db.prepare('SELECT * FROM users WHERE id = ?');
  const byUsername = db.prepare('SELECT * FROM users WHERE username = ?');
  const insert = db.prepare(
    'INSERT INTO users (username, password_hash, date_joined) VALUES (?, ?, ?) ON CONFLICT (username) DO NOTHING',
  );
  const insertWithId = db.prepare(
    `INSERT INTO users (id, username, password_hash, is_active, date_joined, last_login)
     VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const all = db.prepare('SELECT * FROM users ORDER BY id');
  const setActive = db.prepare('UPDATE users SET is_active = ? WHERE id = ?');
  const setHash = db.prepare('UPDATE users SET password_hash = ? WHERE id = ?');
  const setLastLogin = db.prepare('UPDATE users SET last_login = ? WHERE id = ?');

  return {
    create(username, passwordHash, at) {
      const result = insert.run(username, passwordHash, at);
      if (result.changes === 0) {
        return Promise.reject(new AlreadyExistsError(`user "${username}" already exists`));
      }
      return Promise.resolve(toUser(byId.get(result.lastInsertRowid) as Row));
    },
    insertWithId(user) {
      const { id, username, passwordHash, isActive, dateJoined, lastLogin } = user;
      const result = insertWithId.run(
        id,
        username,
        passwordHash,
        isActive ? 1 : 0,
        dateJoined,
        lastLogin,
      );
      if (result.changes === 0) {
        return Promise.reject(
          new AlreadyExistsError(`user id ${id} or "${username}" already exists`),
        );
      }
      return Promise.resolve();
    },
    findById(id) {
      const row = byId.get(id) as Row | undefined;
      return Promise.resolve(row && toUser(row));
    },
    findByUsername(username) {
      const row = byUsername.get(username) as Row | undefined;
      return Promise.resolve(row && toUser(row));
    },
    list() {
      return Promise.resolve((all.all() as Row[]).map(toUser));
    },
    setActive(id, active) {
      setActive.run(active ? 1 : 0, id);
      return Promise.resolve();
    },
    setPasswordHash(id, passwordHash) {
      setHash.run(passwordHash, id);
      return Promise.resolve();
    },
    recordLogin(id, at) {
      setLastLogin.run(at, id);
      return Promise.resolve();
    },
  };
}
