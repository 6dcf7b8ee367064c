/**
 * What a Django + simplejwt deployment hands over: its users (with their password hashes) and
 * simplejwt's outstanding and blacklisted refresh tokens, read from the output of
 * `python manage.py dumpdata auth.user token_blacklist --format json`, or from the project's
 * SQLite database file itself.
 */
import { readFileSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';

export interface DjangoUser {
  id: number;
  username: string;
  password: string;
  isActive: boolean;
  /** Epoch seconds. */
  dateJoined: number;
  lastLogin: number | null;
}

export interface DjangoOutstandingToken {
  /** Django's row id, which blacklisted tokens point to. */
  id: number;
  jti: string;
  /** Null when the user was deleted. */
  userId: number | null;
  createdAt: number;
  expiresAt: number;
}

export interface DjangoExport {
  users: DjangoUser[];
  outstanding: DjangoOutstandingToken[];
  /** Row ids of the outstanding tokens that were blacklisted, with when. */
  blacklisted: { tokenId: number; blacklistedAt: number }[];
}

export class DjangoExportError extends Error {
  override name = 'DjangoExportError';
}

const dumpdataCommand = 'python manage.py dumpdata auth.user token_blacklist --format json';

/**
 * Django writes aware datetimes as ISO 8601 in JSON ("2026-11-28T02:46:48.914Z") and as UTC text
 * in SQLite ("2026-11-28 02:46:48.914000"); naive ones (USE_TZ = False) are read as UTC.
 */
function epochSeconds(value: unknown, what: string): number {
  if (typeof value !== 'string')
    throw new DjangoExportError(`${what}: not a date: ${String(value)}`);
  const iso = value.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(iso) ? iso : `${iso}Z`);
  if (Number.isNaN(ms)) throw new DjangoExportError(`${what}: not a date: ${value}`);
  return Math.floor(ms / 1000);
}

const optionalEpoch = (value: unknown, what: string) =>
  value === null || value === undefined ? null : epochSeconds(value, what);

interface Fields {
  [name: string]: unknown;
}

function userFrom(id: unknown, fields: Fields): DjangoUser {
  return {
    id: Number(id),
    username: String(fields.username),
    password: String(fields.password),
    isActive: Boolean(fields.is_active),
    dateJoined: epochSeconds(fields.date_joined, `user ${String(id)} date_joined`),
    lastLogin: optionalEpoch(fields.last_login, `user ${String(id)} last_login`),
  };
}

function outstandingFrom(id: unknown, fields: Fields): DjangoOutstandingToken {
  const what = `outstanding token ${String(id)}`;
  return {
    id: Number(id),
    jti: String(fields.jti),
    userId: fields.user === null || fields.user === undefined ? null : Number(fields.user),
    createdAt: epochSeconds(fields.created_at, `${what} created_at`),
    expiresAt: epochSeconds(fields.expires_at, `${what} expires_at`),
  };
}

function fromDumpdata(text: string, file: string): DjangoExport {
  let records: unknown;
  try {
    records = JSON.parse(text);
  } catch (error) {
    throw new DjangoExportError(
      `${file} is neither JSON nor a SQLite database (${(error as Error).message}); make it with: ${dumpdataCommand}`,
    );
  }
  const isRecord = (value: unknown): value is { model: string; pk: unknown; fields: Fields } =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { model?: unknown }).model === 'string' &&
    typeof (value as { fields?: unknown }).fields === 'object';
  if (!Array.isArray(records) || !records.every(isRecord)) {
    throw new DjangoExportError(
      `${file} is not a Django dumpdata export (a JSON list of {"model", "pk", "fields"}); make it with: ${dumpdataCommand}`,
    );
  }
  const of = (model: string) => records.filter((record) => record.model === model);
  return {
    users: of('auth.user').map((r) => userFrom(r.pk, r.fields)),
    outstanding: of('token_blacklist.outstandingtoken').map((r) => outstandingFrom(r.pk, r.fields)),
    blacklisted: of('token_blacklist.blacklistedtoken').map((r) => ({
      tokenId: Number(r.fields.token),
      blacklistedAt: epochSeconds(r.fields.blacklisted_at, `blacklisted token ${String(r.pk)}`),
    })),
  };
}

function fromDatabase(file: string): DjangoExport {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Fields[]).map(
        (row) => String(row.name),
      ),
    );
    if (!tables.has('auth_user')) {
      throw new DjangoExportError(`${file} is a SQLite database without Django's auth_user table`);
    }
    const rows = (table: string) =>
      tables.has(table) ? (db.prepare(`SELECT * FROM ${table} ORDER BY id`).all() as Fields[]) : [];
    return {
      users: rows('auth_user').map((row) => userFrom(row.id, row)),
      outstanding: rows('token_blacklist_outstandingtoken').map((row) =>
        outstandingFrom(row.id, { ...row, user: row.user_id }),
      ),
      blacklisted: rows('token_blacklist_blacklistedtoken').map((row) => ({
        tokenId: Number(row.token_id),
        blacklistedAt: epochSeconds(row.blacklisted_at, `blacklisted token ${String(row.id)}`),
      })),
    };
  } finally {
    db.close();
  }
}

/** Reads a dumpdata JSON file or a Django SQLite database, told apart by their first bytes. */
export function readDjangoExport(file: string): DjangoExport {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    throw new DjangoExportError(`cannot read ${file}: ${(error as Error).message}`);
  }
  const exported =
    content.subarray(0, 16).toString('latin1') === 'SQLite format 3\u0000'
      ? fromDatabase(file)
      : fromDumpdata(content.toString('utf8'), file);
  if (exported.users.length === 0) {
    throw new DjangoExportError(
      `${file} holds no auth.user records: export them with: ${dumpdataCommand}`,
    );
  }
  return exported;
}
