/**
 * The users that authentication loads on every request, kept for USER_CACHE_TTL in each process:
 * a SQLite lookup per request was a twentieth of the request path's time. The price is stated:
 * a user deactivated or deleted keeps access for up to that long in a process that cached them
 * (their refresh tokens stop at once: refresh reads the store). 0 turns the cache off.
 */
import type { Clock } from '../clock.ts';
import type { User } from '../store/user-repository.ts';

/** Enough for every active user of a busy API; beyond it the oldest entry goes first. */
const maxEntries = 10_000;

export function cachedUserLookup(
  find: (id: number) => Promise<User | undefined>,
  clock: Clock,
  ttlSeconds: number,
): (id: number) => Promise<User | undefined> {
  if (ttlSeconds <= 0) return find;
  const ttlMs = ttlSeconds * 1000;
  const entries = new Map<number, { user: User; until: number }>();
  return async (id) => {
    const cached = entries.get(id);
    if (cached && cached.until > clock.now()) return cached.user;
    const user = await find(id);
    entries.delete(id);
    if (user) {
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value ?? id);
      entries.set(id, { user, until: clock.now() + ttlMs });
    }
    return user;
  };
}
