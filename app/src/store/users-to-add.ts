/**
 * Users brought from another database (a Django export, a SQLite installation): which of them
 * `store` holds already (same id, same username), which are new, and which clash with a user of
 * its own (the id or the username taken by another). A clash stops the whole move before
 * anything is written, with a list of them a person can act on.
 */
import { UsersClashError, type Store } from './store.ts';

export interface ClashWording {
  /** Where the store is, as seen by the one moving users: `here`, `there`. */
  place: string;
  /** The line above the list of clashes. */
  heading: (clashes: number) => string;
}

export async function usersToAdd<T extends { id: number; username: string }>(
  store: Store,
  users: Iterable<T>,
  wording: ClashWording,
): Promise<{ toAdd: T[]; present: number }> {
  const toAdd: T[] = [];
  const clashes: string[] = [];
  let present = 0;
  const { place } = wording;
  for (const user of users) {
    const [byId, byName] = await Promise.all([
      store.users.findById(user.id),
      store.users.findByUsername(user.username),
    ]);
    if (byId?.username === user.username) present += 1;
    else if (byId)
      clashes.push(`id ${user.id} ("${user.username}") is "${byId.username}" ${place}`);
    else if (byName) clashes.push(`"${user.username}" (id ${user.id}) is id ${byName.id} ${place}`);
    else toAdd.push(user);
  }
  if (clashes.length > 0) {
    throw new UsersClashError(
      [
        wording.heading(clashes.length),
        ...clashes.slice(0, 10).map((line) => `  ${line}`),
        ...(clashes.length > 10 ? [`  and ${clashes.length - 10} more`] : []),
      ].join('\n'),
    );
  }
  return { toAdd, present };
}
