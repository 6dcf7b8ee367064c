/**
 * Moves an installation from one database to another (a single host's SQLite file to the
 * PostgreSQL server several hosts share) without losing a user or a live token: users keep their
 * ids and password hashes, live refresh tokens keep their families, and a blacklisted token stays
 * refused with the reason it had. Expired tokens and failed-login windows stay behind. Running it
 * again adds nothing twice; a user whose id or username belongs to another user in the target
 * stops the copy before it writes anything.
 */
import { UserInputError } from '../users/user-service.ts';
import type { Store } from './store.ts';

export interface CopySummary {
  users: { added: number; present: number };
  tokens: { added: number; present: number };
  blacklisted: { added: number; present: number };
}

export interface CopyOptions {
  /** Epoch seconds: tokens expired by then are left behind. */
  now: number;
  dryRun: boolean;
  progress?: (done: number, total: number) => void;
}

async function usersToAdd(from: Store, to: Store) {
  const toAdd = [];
  const clashes: string[] = [];
  let present = 0;
  for (const user of await from.users.list()) {
    const [byId, byName] = await Promise.all([
      to.users.findById(user.id),
      to.users.findByUsername(user.username),
    ]);
    if (byId?.username === user.username) present += 1;
    else if (byId) clashes.push(`id ${user.id} ("${user.username}") is "${byId.username}" there`);
    else if (byName) clashes.push(`"${user.username}" (id ${user.id}) is id ${byName.id} there`);
    else toAdd.push(user);
  }
  if (clashes.length > 0) {
    throw new UserInputError(
      [
        `${clashes.length} user(s) clash with users of the target; nothing was copied:`,
        ...clashes.slice(0, 10).map((line) => `  ${line}`),
        ...(clashes.length > 10 ? [`  and ${clashes.length - 10} more`] : []),
      ].join('\n'),
    );
  }
  return { toAdd, present };
}

export async function copyStore(
  from: Store,
  to: Store,
  options: CopyOptions,
): Promise<CopySummary> {
  const { toAdd, present } = await usersToAdd(from, to);
  const live = await from.tokens.listLive(options.now);
  const summary: CopySummary = {
    users: { added: toAdd.length, present },
    tokens: { added: 0, present: 0 },
    blacklisted: { added: 0, present: 0 },
  };
  const total = toAdd.length + live.length;
  let done = 0;
  const step = () => {
    done += 1;
    if (done % 1000 === 0 || done === total) options.progress?.(done, total);
  };

  for (const user of toAdd) {
    if (!options.dryRun) await to.users.insertWithId(user);
    step();
  }
  for (const { token, blacklisting } of live) {
    step();
    const known = await to.tokens.findOutstanding(token.jti);
    summary.tokens[known ? 'present' : 'added'] += 1;
    if (!known && !options.dryRun) await to.tokens.recordOutstanding(token);
    if (!blacklisting) continue;
    const refused = known && (await to.tokens.findBlacklisting(token.jti));
    summary.blacklisted[refused ? 'present' : 'added'] += 1;
    if (!refused && !options.dryRun) {
      await to.tokens.blacklist(token, blacklisting.reason, blacklisting.blacklistedAt);
    }
  }
  return summary;
}
