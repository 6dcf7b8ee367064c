import type pg from 'pg';
import type { User, UserRepository } from '../user-repository.ts';
import { AlreadyExistsError } from '../store.ts';
import { run, type Rows } from './postgres-pool.ts';

const toUser = (row: Rows[number]): User => ({
  id: Number(row.id),
  username: String(row.username),
  passwordHash: String(row.password_hash),
  isActive: row.is_active === true,
  dateJoined: Number(row.date_joined),
  lastLogin: row.last_login === null ? null : Number(row.last_login),
});

export function postgresUserRepository(pool: pg.Pool): UserRepository {
  const one = async (name: string, text: string, values: unknown[]) => {
    const { rows } = await run(pool, name, text, values);
    return rows[0] && toUser(rows[0]);
  };
  const update = async (name: string, text: string, values: unknown[]) => {
    await run(pool, name, text, values);
  };

  return {
    async create(username, passwordHash, at) {
      const user = await one(
        'users-create',
        `INSERT INTO users (username, password_hash, date_joined) VALUES ($1, $2, $3)
         ON CONFLICT (username) DO NOTHING RETURNING *`,
        [username, passwordHash, at],
      );
      if (!user) throw new AlreadyExistsError(`user "${username}" already exists`);
      return user;
    },
    async insertWithId(user) {
      const { id, username, passwordHash, isActive, dateJoined, lastLogin } = user;
      const { count } = await run(
        pool,
        'users-insert-with-id',
        `INSERT INTO users (id, username, password_hash, is_active, date_joined, last_login)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [id, username, passwordHash, isActive, dateJoined, lastLogin],
      );
      if (count === 0)
        throw new AlreadyExistsError(`user id ${id} or "${username}" already exists`);
      // An id given by hand leaves the identity's sequence behind: the next user created here
      // would be given an id that is taken.
      await run(
        pool,
        'users-sequence-past',
        `SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))`,
      );
    },
    findById: (id) => one('users-by-id', 'SELECT * FROM users WHERE id = $1', [id]),
    findByUsername: (username) =>
      one('users-by-username', 'SELECT * FROM users WHERE username = $1', [username]),
    async list() {
      const { rows } = await run(pool, 'users-all', 'SELECT * FROM users ORDER BY id');
      return rows.map(toUser);
    },
    setActive: (id, active) =>
      update('users-set-active', 'UPDATE users SET is_active = $1 WHERE id = $2', [active, id]),
    setPasswordHash: (id, passwordHash) =>
      update('users-set-hash', 'UPDATE users SET password_hash = $1 WHERE id = $2', [
        passwordHash,
        id,
      ]),
    recordLogin: (id, at) =>
      update('users-set-last-login', 'UPDATE users SET last_login = $1 WHERE id = $2', [at, id]),
  };
}
