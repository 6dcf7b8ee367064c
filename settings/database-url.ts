/**
 * DATABASE_URL, read: which store it names and how to reach it. SQLite for one host, PostgreSQL
 * for several. A URL is only ever shown with its password replaced.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { ConfigValueError } from './parsers.ts';

export type DatabaseTarget =
  | { kind: 'sqlite'; path: string }
  | {
      kind: 'postgres';
      /** The URL node-postgres is given: the TLS parameters are taken out and read here. */
      connectionString: string;
      ssl: false | ConnectionOptions;
      /** The URL without its password, for messages. */
      shown: string;
    };

const expected =
  'expected sqlite:<path> (for example sqlite:var/app.sqlite3) or postgres://user:password@host:port/dbname';

/** The URL with its password replaced by ***, fit for a log line or an error. */
export function withoutPassword(databaseUrl: string): string {
  // Any scheme: a URL the app refuses (postgresql+psycopg://, mysql://) is echoed in the error.
  return databaseUrl.replace(/^([a-z][\w+.-]*:\/\/[^:/@]*:)[^/]*@/i, '$1***@');
}

/**
 * libpq's sslmode, as far as node-postgres can follow it: `disable` (the default here, as in
 * node-postgres), `require` (encrypted, the server not checked, unless a CA is given: then as
 * `verify-ca`), `verify-ca` (the server's certificate signed by the CA) and `verify-full` (and
 * its name matching the host). `allow` and `prefer` fall back to plain text, which node-postgres
 * cannot do: they are refused rather than silently made stricter or weaker.
 */
function tlsOptions(mode: string, caFile: string | null): false | ConnectionOptions {
  const ca = caFile === null ? undefined : readNamedFile('sslrootcert', caFile);
  switch (mode) {
    case 'disable':
      return false;
    case 'require':
      return ca ? { ca, checkServerIdentity: () => undefined } : { rejectUnauthorized: false };
    case 'verify-ca':
      return { ...(ca ? { ca } : {}), checkServerIdentity: () => undefined };
    case 'verify-full':
      return ca ? { ca } : {};
    default:
      throw new ConfigValueError(
        `sslmode=${mode} is not supported: use disable, require, verify-ca or verify-full`,
      );
  }
}

/** A file a setting names (`name=file`), or a ConfigValueError saying which and why. */
function readNamedFile(name: string, file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigValueError(
      `cannot read ${name}=${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
}

function postgresTarget(databaseUrl: string, passwordFile: string | undefined): DatabaseTarget {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new ConfigValueError(`${expected}, got "${withoutPassword(databaseUrl)}"`);
  }
  if (!url.hostname || url.pathname.length <= 1) {
    throw new ConfigValueError(
      `a PostgreSQL URL needs a host and a database name (postgres://user:password@host:port/dbname), got "${withoutPassword(databaseUrl)}"`,
    );
  }
  const ssl = tlsOptions(
    url.searchParams.get('sslmode') ?? 'disable',
    url.searchParams.get('sslrootcert'),
  );
  for (const parameter of ['sslmode', 'sslrootcert']) url.searchParams.delete(parameter);
  if (passwordFile !== undefined) {
    // A Docker secret's file, its final newline aside.
    const password = readNamedFile('DATABASE_PASSWORD_FILE', passwordFile).replace(/\r?\n$/, '');
    url.password = encodeURIComponent(password);
  }
  return {
    kind: 'postgres',
    connectionString: url.href,
    ssl,
    shown: withoutPassword(databaseUrl),
  };
}

/**
 * Throws ConfigValueError, without the password, for a URL it cannot use. `passwordFile`
 * (DATABASE_PASSWORD_FILE) gives a PostgreSQL URL its password.
 */
export function databaseTarget(databaseUrl: string, passwordFile?: string): DatabaseTarget {
  if (/^postgres(ql)?:\/\//i.test(databaseUrl)) return postgresTarget(databaseUrl, passwordFile);
  const sqlite = /^sqlite:(?:\/\/)?(.+)$/.exec(databaseUrl);
  if (sqlite?.[1] && passwordFile !== undefined) {
    throw new ConfigValueError('DATABASE_PASSWORD_FILE is for PostgreSQL: SQLite has no password');
  }
  if (sqlite?.[1]) return { kind: 'sqlite', path: sqlite[1] };
  throw new ConfigValueError(`${expected}, got "${withoutPassword(databaseUrl)}"`);
}
