/** `npm run users -- add|list|deactivate|set-password`: managing the API's users. */
import { systemClock } from '../clock.ts';
import { userServiceFor } from '../services.ts';
import { readPassword } from './read-password.ts';
import { runCommand, UsageError } from './run-command.ts';

const usage = `usage: npm run users -- <command>
  add <username>            create a user; the password is prompted for, or read from stdin
  list                      list users
  deactivate <username>     stop a user from logging in
  set-password <username>   change a password; revokes the user's refresh tokens`;

const [command, username, ...rest] = process.argv.slice(2);

await runCommand(usage, async ({ config, store, out }) => {
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
      out(`changed the password of "${name}"; revoked ${revoked} refresh token(s)`);
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
});
