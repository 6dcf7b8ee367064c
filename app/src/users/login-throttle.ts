/**
 * Brute force is stopped where it matters, with limits that an attacker cannot turn on a victim
 * (OWASP's Authentication Cheat Sheet, "Login Throttling" and "Account Lockout"):
 * - one account from one address: the hard limit, low (10 failures a window by default); it
 *   stops a guesser without touching the account's owner, who logs in from elsewhere;
 * - one address, whichever accounts it names: it stops one client spraying many accounts;
 * - one account from every address together: a ceiling well above the first (100 by default), so
 *   that guessing spread over many addresses stays bounded, while locking the owner out takes that
 *   many requests from at least ceiling ÷ hard-limit addresses every window.
 * Every attempt is counted in the store, shared by every worker and host, before its password is
 * hashed: of concurrent guesses, only as many as the limits allow are hashed, the others get 429
 * at once. A correct password takes its attempt back and ends the account's windows.
 * Unknown accounts count like known ones, so the answers say nothing about which exist.
 * https://cheatsheetseries.owasp.org/cheatsheets/Authentication_Cheat_Sheet.html
 */
import { epochSeconds, type Clock } from '../clock.ts';
import { AppError } from '../errors/app-error.ts';
import { messages } from '../errors/messages.ts';
import type { AttemptLimit, Store } from '../store/store.ts';

export interface ThrottlePolicy {
  /** Failed logins of one account from one address per window; 0: no limit. */
  perAccountAndAddress: number;
  /** Failed logins from one address per window, whichever account; 0: no limit. */
  perAddress: number;
  /** Failed logins of one account from all addresses per window; 0: no limit. */
  perAccount: number;
  windowSeconds: number;
}

/** A reserved login attempt, settled once the password has been checked. */
export interface LoginAttempt {
  /** Its address failed to log in before, in the open window: its hash may wait behind others. */
  fromFailingAddress: boolean;
  /** The password was right: the attempt is taken back, the account's windows end. */
  succeeded(): Promise<void>;
  /** The password was never checked (the server was too busy): the attempt is taken back. */
  withdrawn(): Promise<void>;
}

// Longer names are refused by the username rule anyway; the keys stay small. A tab cannot be in a
// username, so an account's own keys are exactly those that start with its prefix.
const accountKey = (username: string) => `account:${username.slice(0, 160)}`;
const fromAddressPrefix = (username: string) => `account-address:${username.slice(0, 160)}\t`;
const addressKey = (address: string) => `address:${address}`;

/**
 * The wait, rounded up to the minute: true (the window has closed by then) without telling an
 * attacker to the second when to start the next round.
 */
const roundedWait = (seconds: number) => Math.max(60, Math.ceil(seconds / 60) * 60);

export function createLoginThrottle(store: Store, clock: Clock, policy: ThrottlePolicy) {
  const now = () => epochSeconds(clock);
  const limitsOf = (username: string, address: string | undefined): AttemptLimit[] => {
    const limits: AttemptLimit[] = [];
    if (policy.perAccount > 0) limits.push({ key: accountKey(username), limit: policy.perAccount });
    if (address && policy.perAccountAndAddress > 0) {
      limits.push({
        key: fromAddressPrefix(username) + address,
        limit: policy.perAccountAndAddress,
      });
    }
    if (address && policy.perAddress > 0) {
      limits.push({ key: addressKey(address), limit: policy.perAddress });
    }
    return limits;
  };

  return {
    /**
     * Counts the attempt before any hashing; throws `throttled` with the wait when a limit is
     * reached. A failed login needs nothing more: its attempt stays counted.
     */
    async attempt(username: string, address: string | undefined): Promise<LoginAttempt> {
      const limits = limitsOf(username, address);
      const keys = limits.map(({ key }) => key);
      const ofAddress = address === undefined ? undefined : addressKey(address);
      let fromFailingAddress = false;
      if (limits.length > 0) {
        const reservation = await store.loginFailures.reserve(limits, now(), policy.windowSeconds);
        if (!reservation.granted) {
          const wait = roundedWait(reservation.retryAfterSeconds);
          throw new AppError('throttled', messages.throttled(wait), { retryAfterSeconds: wait });
        }
        fromFailingAddress = (reservation.failuresBefore.get(ofAddress ?? '') ?? 0) > 0;
      }
      const accountKeys = keys.filter((key) => key !== ofAddress);
      const addressKeys = keys.filter((key) => key === ofAddress);
      return {
        fromFailingAddress,
        async succeeded() {
          if (accountKeys.length > 0) await store.loginFailures.clear(accountKeys);
          if (addressKeys.length > 0) {
            await store.loginFailures.release(addressKeys, now(), policy.windowSeconds);
          }
        },
        async withdrawn() {
          if (keys.length > 0) await store.loginFailures.release(keys, now(), policy.windowSeconds);
        },
      };
    },

    /** Lifts every limit on the account (`users unlock`, `users set-password`). */
    unlock: (username: string): Promise<void> =>
      store.loginFailures.clear([accountKey(username)], fromAddressPrefix(username)),

    flushExpired: (): Promise<number> =>
      store.loginFailures.flushExpired(now(), policy.windowSeconds),
  };
}

export type LoginThrottle = ReturnType<typeof createLoginThrottle>;
