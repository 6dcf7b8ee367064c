/**
 * Users: creating them, checking their credentials, changing passwords and deactivating them.
 */
import type { Clock } from '../clock.ts';
import { epochSeconds } from '../clock.ts';
import { AppError } from '../errors/app-error.ts';
import { messages } from '../errors/messages.ts';
import { AlreadyExistsError, type Store } from '../store/store.ts';
import type { User } from './user.ts';
import { hashingSlots } from './hashing-slots.ts';
import { createLoginThrottle, type ThrottlePolicy } from './login-throttle.ts';
import {
  hashPassword,
  needsRehash,
  spendVerificationTime,
  verifyPassword,
  type ScryptParams,
} from './password-hashing.ts';

export interface UserServiceOptions {
  scrypt: ScryptParams;
  throttle: ThrottlePolicy;
  updateLastLogin: boolean;
  /** Password hashes that may run at once in this process. */
  hashConcurrency: number;
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
  const slot = hashingSlots(options.hashConcurrency);
  const hash = (password: string) => slot(() => hashPassword(password, options.scrypt));
  const noActiveAccount = () => new AppError('no_active_account', messages.noActiveAccount);
  const throttle = createLoginThrottle(store, clock, options.throttle);

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
     * Returns the active user these credentials belong to. Unknown user, wrong password and
     * inactive user fail alike, with one text, after the same scrypt work: nothing tells them
     * apart. An account or an address past its failed-login limit is refused before any hashing.
     */
    async authenticate(username: string, password: string, address?: string): Promise<User> {
      await throttle.check(username, address);
      const user = await store.users.findByUsername(username);
      if (!user) {
        await slot(() => spendVerificationTime(password, options.scrypt));
        await throttle.failed(username, address);
        throw noActiveAccount();
      }
      const valid = await slot(() => verifyPassword(password, user.passwordHash));
      if (!valid || !user.isActive) {
        await throttle.failed(username, address);
        throw noActiveAccount();
      }
      await throttle.succeeded(username);
      if (needsRehash(user.passwordHash, options.scrypt)) {
        await store.users.setPasswordHash(user.id, await hash(password));
      }
      if (options.updateLastLogin) await store.users.recordLogin(user.id, now());
      return user;
    },

    /** Sets a new password and revokes every refresh token the user holds. */
    async setPassword(username: string, password: string): Promise<number> {
      checkPassword(password);
      const user = await findExisting(username);
      await store.users.setPasswordHash(user.id, await hash(password));
      return store.tokens.revokeUser(user.id, 'password_change', now());
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
