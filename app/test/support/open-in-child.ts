/**
 * Run as a separate process by the store tests, standing in for a worker starting: opens the
 * database at `url` and prints the versions of the migrations this process applied.
 */
import { openStoreMigrating } from '../../src/store/open-store.ts';

const { store, applied } = await openStoreMigrating(process.argv[2] ?? '', 0);
process.stdout.write(JSON.stringify(applied.map((migration) => migration.version)));
await store.close();
