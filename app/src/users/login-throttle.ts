/**
 * Brute force is stopped where it matters: failed logins are counted per account and per client
 * address, in the store, so every worker and every host sees the same counts (OWASP's
 * Authentication Cheat Sheet, "Login Throttling"). Past a limit, logins under that key are
 * refused with 429 and a wait, before any password is hashed, until the window closes: the
 * attacker gets no more guesses and costs the server nothing, and other users' logins stay fast.
 * Unknown accounts count like known ones, so the answers say nothing about which exist.
 * https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html
 */
import { epochSeconds, type Clock } from '../clock.ts';
import { AppError } from '../errors/app-error.ts';
import { messages } from '../errors/messages.ts';
import type { Store } from '../store/store.ts';

export interface ThrottlePolicy {
  /** Failed logins of one account per window before it is refused; 0: no limit. */
  perAccount: number;
  /** Failed logins from one address per window; 0: no limit. */
  perAddress: number;
  windowSeconds: number;
}

// Longer names are refused by the username rule anyway; the key stays small.
const accountKey = (username: string) => `account:${username.slice(0, 160)}`;

export function createLoginThrottle(store: Store, clock: Clock, policy: ThrottlePolicy) {
  const now = () => epochSeconds(clock);
  const limited = (username: string, address: string | undefined) => [
    ...(policy.perAccount > 0 ? [{ key: accountKey(username), limit: policy.perAccount }] : []),
    ...(policy.perAddress > 0 && address
      ? [{ key: `address:${address}`, limit: policy.perAddress }]
      : []),
  ];

  return {
    /** Throws `throttled`, with the seconds until the window closes, when a limit is reached. */
    async check(username: string, address: string | undefined): Promise<void> {
      const keys = limited(username, address);
      if (keys.length === 0) return;
      const at = now();
      const open = await store.loginFailures.open(
        keys.map(({ key }) => key),
        at,
        policy.windowSeconds,
      );
      const waits = keys.flatMap(({ key, limit }) => {
        const window = open.get(key);
        return window && window.failures >= limit
          ? [window.windowStart + policy.windowSeconds - at]
          : [];
      });
      if (waits.length === 0) return;
      const wait = Math.max(1, ...waits);
      throw new AppError('throttled', messages.throttled(wait), { retryAfterSeconds: wait });
    },

    async failed(username: string, address: string | undefined): Promise<void> {
      const keys = limited(username, address).map(({ key }) => key);
      if (keys.length > 0) await store.loginFailures.record(keys, now(), policy.windowSeconds);
    },

    /** A correct password ends the account's window; the address keeps its count. */
    succeeded: (username: string): Promise<void> => store.loginFailures.clear(accountKey(username)),

    flushExpired: (): Promise<number> =>
      store.loginFailures.flushExpired(now(), policy.windowSeconds),
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
