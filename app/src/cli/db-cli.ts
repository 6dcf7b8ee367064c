/**
 * `npm run db -- migrate|copy`: the database apart from the server. `migrate` for deployments that
 * bring the schema up to date before rolling out (the server also migrates at start-up, under a
 * lock); `copy` to move an installation to another database, SQLite to PostgreSQL for one.
 */
import { epochSeconds, systemClock } from '../clock.ts';
import { loadEnvFile, type DatabaseTarget } from '../../../settings/index.ts';
import { loadConfig } from '../config/load-config.ts';
import { copyStore, type CopySummary } from '../store/copy-store.ts';
import { migrations } from '../store/migrations.ts';
import { openStoreMigrating, type StoreOptions } from '../store/open-store.ts';
import type { Store } from '../store/store.ts';
import { storeOptionsOf } from '../services.ts';
import { printLine, reportingErrors, UsageError } from './run-command.ts';

const usage = `usage: npm run db -- <command>
  migrate                 apply the migrations DATABASE_URL's database lacks, and say which
  copy --from <url> --to <url> [--dry-run]
                          copy the users, their live refresh tokens and the blacklist from one
                          database to another (for example --from sqlite:var/app.sqlite3
                          --to postgres://user:password@host:5432/app); run it again at the
                          switch-over: nothing is copied twice. --dry-run writes nothing`;

const latest = migrations.at(-1)?.version;

function configured(): { database: DatabaseTarget; options: StoreOptions } {
  loadEnvFile();
  const config = loadConfig();
  return { database: config.database, options: storeOptionsOf(config) };
}

async function migrate(): Promise<void> {
  const { database, options } = configured();
  const { store, applied } = await openStoreMigrating(database, epochSeconds(systemClock), options);
  await store.close();
  for (const migration of applied) printLine(`applied ${migration.version}: ${migration.name}`);
  printLine(`the database is at version ${latest}`);
}

/** The value after `flag`, once. */
function option(args: string[], flag: string): string {
  const at = args.indexOf(flag);
  const value = args[at + 1];
  if (at === -1 || value === undefined || value.startsWith('--')) {
    throw new UsageError(`copy needs ${flag} <database url>`);
  }
  return value;
}

const describeCopy = ({ users, tokens, blacklisted }: CopySummary, dryRun: boolean) => [
  `users: ${users.added} added, ${users.present} already there`,
  `live refresh tokens: ${tokens.added} added, ${tokens.present} already there`,
  `blacklisted tokens: ${blacklisted.added} added, ${blacklisted.present} already there`,
  dryRun ? 'dry run: nothing was written' : 'done: point DATABASE_URL at the target',
];

async function copy(args: string[]): Promise<void> {
  const from = option(args, '--from');
  const to = option(args, '--to');
  const dryRun = args.includes('--dry-run');
  const known = new Set(['--from', from, '--to', to, '--dry-run']);
  const unknown = args.filter((arg) => !known.has(arg));
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown.join(' ')}`);
  if (from === to) throw new UsageError('--from and --to name the same database');
  const { options } = configured();
  const now = epochSeconds(systemClock);
  const stores: Store[] = [];
  try {
    const source = (await openStoreMigrating(from, now, options)).store;
    stores.push(source);
    const target = (await openStoreMigrating(to, now, options)).store;
    stores.push(target);
    const summary = await copyStore(source, target, {
      now,
      dryRun,
      progress: (done, total) => process.stderr.write(`copied ${done} of ${total}\n`),
    });
    for (const line of describeCopy(summary, dryRun)) printLine(line);
  } finally {
    await Promise.all(stores.map((store) => store.close()));
  }
}

const [command, ...args] = process.argv.slice(2);

await reportingErrors(usage, async () => {
  if (command === 'migrate' && args.length === 0) await migrate();
  else if (command === 'copy') await copy(args);
  else
    throw new UsageError(
      command ? `unknown command "${[command, ...args].join(' ')}"` : 'no command given',
    );
});
