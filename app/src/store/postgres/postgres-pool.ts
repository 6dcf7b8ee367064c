/**
 * The connection pool of one process, and the line between the database's answers and its
 * absence: errors that mean "not reachable now" become StoreUnavailableError (a 503), the rest
 * stay what they are.
 */
import pg from 'pg';
import { StoreUnavailableError } from '../store.ts';

export interface PoolOptions {
  connectionString: string;
  ssl: pg.PoolConfig['ssl'];
  size: number;
  timeoutSeconds: number;
}

export function createPool(options: PoolOptions): pg.Pool {
  const timeout = Math.max(1, Math.round(options.timeoutSeconds * 1000));
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    ssl: options.ssl,
    max: options.size,
    // A database that does not answer fails the request in bounded time instead of holding it.
    connectionTimeoutMillis: timeout,
    query_timeout: timeout,
    idleTimeoutMillis: 30_000,
    application_name: 'prodstack-kit',
  });
  // A connection that dies while idle (the server restarted) is dropped by the pool and the next
  // query opens another; without a listener the event would end the process.
  pool.on('error', () => undefined);
  return pool;
}

/** Network errors of the socket itself, and timeouts. */
const unreachableErrnos = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATE classes of a server that cannot serve now: 08 connection exceptions, 53 insufficient
 * resources (too many connections), 57P0x shut down or starting.
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const unreachableSqlState = (code: string) =>
  code.startsWith('08') || code.startsWith('53') || /^57P0[1-4]$/.test(code);

export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string') {
    return unreachableErrnos.has(code) || (code.length === 5 && unreachableSqlState(code));
  }
  // node-postgres's own errors carry no code: a connection ended or a timeout.
  return /Connection terminated|timeout|not queryable|Connection ended/i.test(error.message);
}

export type Rows = Record<string, unknown>[];

/** The error as a 503 when it means the database does not answer; as it is otherwise. */
const unavailableOr = (error: unknown) =>
  isUnreachable(error)
    ? new StoreUnavailableError(`the database does not answer: ${(error as Error).message}`, {
        cause: error,
      })
    : error;

/**
 * Runs one statement, prepared once per connection under `name`; answers with the rows and the
 * count of rows it changed.
 */
export async function run(
  pool: pg.Pool,
  name: string,
  text: string,
  values: unknown[] = [],
): Promise<{ rows: Rows; count: number }> {
  try {
    const result = await pool.query<Record<string, unknown>>({ name, text, values });
    return { rows: result.rows, count: result.rowCount ?? 0 };
  } catch (error) {
    throw unavailableOr(error);
  }
}

export type Query = (name: string, text: string, values?: unknown[]) => Promise<Rows>;

/**
 * Runs `work` in one transaction on one connection, committed when it resolves and rolled back
 * when it throws; a database that does not answer becomes StoreUnavailableError, as in `run`.
 */
export async function inTransaction<T>(
  pool: pg.Pool,
  work: (query: Query) => Promise<T>,
): Promise<T> {
  const client = await pool.connect().catch((error: unknown) => {
    throw unavailableOr(error);
  });
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(async (name, text, values = []) => {
      const { rows } = await client.query<Record<string, unknown>>({ name, text, values });
      return rows;
    });
    await client.query('COMMIT');
    return result;
  } catch (error) {
    broken = await client.query('ROLLBACK').then(
      () => false,
      () => true,
    );
    throw unavailableOr(error);
  } finally {
    client.release(broken);
  }
}
