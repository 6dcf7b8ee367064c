/**
 * The database a test server runs on: a SQLite file in its folder, or, when the suite runs with
 * TEST_STORE=postgres, a new database of a throwaway PostgreSQL server that this test process
 * starts at its first use and removes at its exit.
 */
import { join } from 'node:path';
import {
  startThrowawayPostgres,
  type ThrowawayPostgres,
} from '../../../testing/throwaway-postgres.ts';

let server: Promise<ThrowawayPostgres> | undefined;
let databases = 0;

export const testStore = process.env.TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export async function testDatabaseUrl(dir: string): Promise<string> {
  if (testStore === 'sqlite') return `sqlite:${join(dir, 'app.sqlite3')}`;
  server ??= startThrowawayPostgres();
  return (await server).createDatabase(`test_${process.pid}_${++databases}`);
}
