/**
 * Moves an installation from one database to another (a single host's SQLite file to the
 * PostgreSQL server several hosts share) without losing a user or a live token: users keep their
 * ids and password hashes, live refresh tokens keep their families, and a blacklisted token stays
 * refused with the reason it had. Expired tokens and failed-login windows stay behind. Running it
 * again adds nothing twice; a user whose id or username belongs to another user in the target
 * stops the copy before it writes anything.
 */
import type { Store } from './store.ts';
import { usersToAdd } from './users-to-add.ts';

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

export async function copyStore(
  from: Store,
  to: Store,
  options: CopyOptions,
): Promise<CopySummary> {
  const { toAdd, present } = await usersToAdd(to, await from.users.list(), {
    place: 'there',
    heading: (clashes) => `${clashes} user(s) clash with users of the target; nothing was copied:`,
  });
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
