/**
 * Users: creating them, checking their credentials, changing passwords and deactivating them.
 */
import type { Clock } from '../clock.ts';
import { epochSeconds } from '../clock.ts';
import { AppError } from '../errors/app-error.ts';
import { messages } from '../errors/messages.ts';
import { AlreadyExistsError, type Store } from '../store/store.ts';
import type { User } from '../store/user-repository.ts';
import { HashingBusyError, hashingSlots } from './hashing-slots.ts';
import { createLoginThrottle, type ThrottlePolicy } from './login-throttle.ts';
import { createPasswordCheck } from './password-check.ts';
import { hashPassword, needsRehash, type ScryptParams } from './password-hashing.ts';

export interface UserServiceOptions {
  scrypt: ScryptParams;
  throttle: ThrottlePolicy;
  updateLastLogin: boolean;
  /** Password hashes that may run at once in this process. */
  hashConcurrency: number;
  /** Logins that may wait for a hash in this process; past it, 503 at once. */
  loginQueueDepth: number;
}

// Django's default username rule: letters, digits and @.+-_ only, 150 characters at most.
const usernamePattern = /^[\p{L}\p{N}_.@+-]{1,150}$/u;

export class UserInputError extends Error {
  override name = 'UserInputError';
}

function checkUsername(username: string): void {
  if (!usernamePattern.test(username)) {
    throw new UserInputError(
      'username must be 1 to 150 characters: letters, digits and @ . + - _ only',
    );
  }
}

function checkPassword(password: string): void {
  if (password.length === 0) throw new UserInputError('password must not be empty');
}

export function createUserService(store: Store, clock: Clock, options: UserServiceOptions) {
  const now = () => epochSeconds(clock);
  const slot = hashingSlots(options.hashConcurrency, options.loginQueueDepth);
  const hash = (password: string) => slot(() => hashPassword(password, options.scrypt));
  const passwordMatches = createPasswordCheck(options.scrypt, slot);
  const noActiveAccount = () => new AppError('no_active_account', messages.noActiveAccount);
  // DRF's ServiceUnavailable: the server, not the client, is short of capacity. A queue's worth
  // of hashes takes a second or two at the default cost.
  const busy = () =>
    new AppError('service_unavailable', messages.serviceUnavailable, { retryAfterSeconds: 1 });
  const throttle = createLoginThrottle(store, clock, options.throttle);

  /** To the current scrypt cost, when a hash is free: a busy moment leaves it to the next login. */
  async function rehash(user: User, password: string): Promise<void> {
    try {
      await store.users.setPasswordHash(user.id, await hash(password));
    } catch (error) {
      if (!(error instanceof HashingBusyError)) throw error;
    }
  }

  async function findExisting(username: string): Promise<User> {
    const user = await store.users.findByUsername(username);
    if (!user) throw new UserInputError(`no user named "${username}"`);
    return user;
  }

  return {
    async create(username: string, password: string): Promise<User> {
      checkUsername(username);
      checkPassword(password);
      const passwordHash = await hash(password);
      try {
        return await store.users.create(username, passwordHash, now());
      } catch (error) {
        if (error instanceof AlreadyExistsError) {
          throw new UserInputError(`user "${username}" already exists`);
        }
        throw error;
      }
    },

    /**
     * Returns the active user these credentials belong to. Unknown user, wrong password, inactive
     * user and a hash nothing can check fail alike, with one text, in the same time
     * (password-check.ts). The attempt is counted before any hashing: past a limit it is refused
     * with 429, and a process with as many logins waiting as it allows answers 503 at once; a
     * login from an address that failed before waits behind the others and gives way to them.
     */
    async authenticate(username: string, password: string, address?: string): Promise<User> {
      const attempt = await throttle.attempt(username, address);
      let user: User | undefined;
      let valid: boolean;
      try {
        user = await store.users.findByUsername(username);
        valid = await passwordMatches(password, user?.passwordHash, {
          behind: attempt.fromFailingAddress,
        });
      } catch (error) {
        if (!(error instanceof HashingBusyError)) throw error;
        await attempt.withdrawn();
        throw busy();
      }
      if (!user || !valid || !user.isActive) throw noActiveAccount();
      await attempt.succeeded();
      if (needsRehash(user.passwordHash, options.scrypt)) await rehash(user, password);
      if (options.updateLastLogin) await store.users.recordLogin(user.id, now());
      return user;
    },

    /** Sets a new password and revokes every refresh token the user holds. */
    async setPassword(username: string, password: string): Promise<number> {
      checkPassword(password);
      const user = await findExisting(username);
      await store.users.setPasswordHash(user.id, await hash(password));
      // A new password is a fresh start: nobody's earlier guesses hold the owner out.
      await throttle.unlock(user.username);
      return store.tokens.revokeUser(user.id, 'password_change', now());
    },

    /** Lifts the failed-login limits on an account, from every address. */
    async unlock(username: string): Promise<void> {
      const user = await findExisting(username);
      await throttle.unlock(user.username);
    },

    async deactivate(username: string): Promise<void> {
      const user = await findExisting(username);
      await store.users.setActive(user.id, false);
    },

    list: () => store.users.list(),

    /** Forgets failed-login windows that have closed. */
    flushLoginFailures: () => throttle.flushExpired(),
  };
}

export type UserService = ReturnType<typeof createUserService>;
