/** `npm run users -- add|list|deactivate|set-password|unlock|import-django`: managing the API's users. */
import { epochSeconds, systemClock } from '../clock.ts';
import { DjangoExportError, readDjangoExport } from '../django-import/django-export.ts';
import { importDjango, type ImportSummary } from '../django-import/import-django.ts';
import { userServiceFor } from '../services.ts';
import { UserInputError } from '../users/user-service.ts';
import { readPassword } from './read-password.ts';
import { runCommand, UsageError, type CommandContext } from './run-command.ts';

const usage = `usage: npm run users -- <command>
  add <username>            create a user; the password is prompted for, or read from stdin
  list                      list users
  deactivate <username>     stop a user from logging in
  set-password <username>   change a password; revokes the user's refresh tokens and lifts
                            the failed-login limits on the account
  unlock <username>         lift the failed-login limits on the account, from every address
  import-django <file> [--dry-run]
                            bring over a Django + simplejwt deployment's users, passwords and
                            refresh tokens, from the output of
                            python manage.py dumpdata auth.user token_blacklist --format json
                            or from its SQLite database; --dry-run writes nothing`;

const [command, username, ...rest] = process.argv.slice(2);

function describeImport(summary: ImportSummary, dryRun: boolean): string[] {
  const { users, passwordFormats, tokens, blacklisted } = summary;
  const formats = Object.entries(passwordFormats)
    .map(([format, count]) => `${format} ${count}`)
    .join(', ');
  const unchecked = Object.entries(passwordFormats)
    .filter(([format]) => format.startsWith('unchecked') || format === 'unusable')
    .reduce((sum, [, count]) => sum + count, 0);
  return [
    `users: ${users.added} added, ${users.present} already here (passwords: ${formats})`,
    `refresh tokens: ${tokens.added} added, ${tokens.present} already here, ${tokens.expired} expired and left behind, ${tokens.withoutUser} without a user left behind`,
    `blacklisted tokens: ${blacklisted.added} added, ${blacklisted.present} already here`,
    ...(unchecked > 0
      ? [
          `${unchecked} user(s) have passwords this API cannot check: they log in after npm run users -- set-password`,
        ]
      : []),
    dryRun
      ? 'dry run: nothing was written'
      : 'done: imported users log in with their Django passwords',
  ];
}

async function importCommand(args: string[], context: CommandContext): Promise<void> {
  const dryRun = args.includes('--dry-run');
  const files = args.filter((arg) => arg !== '--dry-run');
  if (files.length !== 1 || files[0]?.startsWith('-')) {
    throw new UsageError('import-django takes one file, and --dry-run if wanted');
  }
  let exported;
  try {
    exported = readDjangoExport(files[0] ?? '');
  } catch (error) {
    if (error instanceof DjangoExportError) throw new UserInputError(error.message);
    throw error;
  }
  const summary = await importDjango(context.store, exported, {
    now: epochSeconds(systemClock),
    dryRun,
    progress: (done, total) => process.stderr.write(`import-django: ${done}/${total} records\n`),
  });
  for (const line of describeImport(summary, dryRun)) context.out(line);
}

await runCommand(usage, async (context) => {
  const { config, store, out } = context;
  if (command === 'import-django') {
    await importCommand(
      [username, ...rest].filter((arg) => arg !== undefined),
      context,
    );
    return;
  }
  const users = userServiceFor(config, store, systemClock);
  const needsUsername = command !== 'list';
  if (rest.length > 0 || (needsUsername && !username) || (!needsUsername && username)) {
    throw new UsageError(`wrong arguments for "${command ?? ''}"`);
  }
  const name = username ?? '';
  switch (command) {
    case 'add': {
      const user = await users.create(name, await readPassword());
      out(`created user "${user.username}" (id ${user.id})`);
      return;
    }
    case 'list':
      for (const user of await users.list()) {
        const lastLogin = user.lastLogin ? new Date(user.lastLogin * 1000).toISOString() : 'never';
        out(
          `${user.id}\t${user.username}\t${user.isActive ? 'active' : 'inactive'}\tlast login ${lastLogin}`,
        );
      }
      return;
    case 'deactivate':
      await users.deactivate(name);
      out(`deactivated "${name}"`);
      return;
    case 'set-password': {
      const revoked = await users.setPassword(name, await readPassword());
      out(
        `changed the password of "${name}"; revoked ${revoked} refresh token(s); lifted its failed-login limits`,
      );
      return;
    }
    case 'unlock':
      await users.unlock(name);
      out(`lifted the failed-login limits on "${name}"`);
      return;
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
});
