/**
 * A login's password check that takes the default hasher's time whatever the account, so that
 * timing tells no more than the answer (which is the same for every failure):
 * - no account, or a stored hash nothing here can check (Django's unusable `!…`, md5, crypt):
 *   the default hasher runs once on the password, as Django does since CVE-2024-39329;
 * - a hash of another format or a lower cost (an imported pbkdf2 account): checked, then the
 *   answer waits until the default hasher's usual time has passed.
 * https://www.djangoproject.com/weblog/2024/jul/09/security-releases/
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SlotOptions, Slots } from './hashing-slots.ts';
import {
  canVerify,
  needsRehash,
  spendVerificationTime,
  verifyPassword,
  type ScryptParams,
} from './password-hashing.ts';

/** The median of the last few durations: one slow hash on a busy machine moves it little. */
function recentDurations(size: number) {
  const durations: number[] = [];
  return {
    add(ms: number) {
      durations.push(ms);
      if (durations.length > size) durations.shift();
    },
    median(): number | undefined {
      if (durations.length === 0) return undefined;
      const sorted = [...durations].sort((a, b) => a - b);
      return sorted[Math.floor(sorted.length / 2)];
    },
  };
}

export type PasswordCheck = (
  password: string,
  storedHash: string | undefined,
  options?: SlotOptions,
) => Promise<boolean>;

export function createPasswordCheck(params: ScryptParams, slot: Slots): PasswordCheck {
  const defaultTimes = recentDurations(9);
  const timed = async <T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> => {
    const started = performance.now();
    const result = await work();
    return { result, ms: performance.now() - started };
  };
  const runDefault = (work: () => Promise<boolean>, options?: SlotOptions) =>
    slot(async () => {
      const { result, ms } = await timed(work);
      defaultTimes.add(ms);
      return result;
    }, options);

  return async (password, storedHash, options) => {
    const spendDefault = () => spendVerificationTime(password, params).then(() => false);
    if (storedHash === undefined || !canVerify(storedHash))
      return runDefault(spendDefault, options);
    if (!needsRehash(storedHash, params)) {
      return runDefault(() => verifyPassword(password, storedHash), options);
    }
    const { result, ms } = await slot(
      () => timed(() => verifyPassword(password, storedHash)),
      options,
    );
    // The first login of a process that needs it measures the default hasher once.
    if (defaultTimes.median() === undefined) await runDefault(spendDefault, options);
    const usual = defaultTimes.median() ?? 0;
    if (usual > ms) await sleep(usual - ms);
    return result;
  };
}
