/** Housekeeping on stored tokens, for cron or an operator. */
import { epochSeconds, type Clock } from '../clock.ts';
import type { Store } from '../store/store.ts';

/** Expired tokens need no blacklist entry: their exp already refuses them. */
export const flushExpiredTokens = (store: Store, clock: Clock): Promise<number> =>
  store.tokens.flushExpired(epochSeconds(clock));
