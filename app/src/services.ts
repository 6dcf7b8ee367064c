/** Wires the domain services from the configuration: the one place that knows how they fit. */
import { epochSeconds, type Clock } from './clock.ts';
import type { Config } from './config/settings.ts';
import { unobservedAuthEvents, type AuthEvents } from './metrics/auth-events.ts';
import { openStore, type StoreOptions } from './store/open-store.ts';
import type { Store } from './store/store.ts';
import { createAccessAuthentication } from './tokens/access-authentication.ts';
import { createJwtCodec } from './tokens/jwt-codec.ts';
import { buildKeyRing, type KeyRing } from './tokens/key-ring.ts';
import { createTokenService } from './tokens/token-service.ts';
import { owaspScryptParams } from './users/password-hashing.ts';
import { cachedUserLookup } from './users/user-lookup-cache.ts';
import { createUserService } from './users/user-service.ts';

/** How the configuration opens the store, the database itself aside. */
export const storeOptionsOf = (config: Config): StoreOptions => ({
  poolSize: config.databasePoolSize,
  timeoutSeconds: config.databaseTimeoutSeconds,
});

export const openConfiguredStore = (config: Config, clock: Clock): Promise<Store> =>
  openStore(config.database, epochSeconds(clock), storeOptionsOf(config));

export const userServiceFor = (config: Config, store: Store, clock: Clock) =>
  createUserService(store, clock, {
    scrypt: { ...owaspScryptParams, logN: config.passwordScryptLogN },
    throttle: {
      perAccountAndAddress: config.loginFailuresPerAccountAndAddress,
      perAddress: config.loginFailuresPerAddress,
      perAccount: config.loginFailuresPerAccount,
      windowSeconds: config.loginThrottleWindowSeconds,
    },
    updateLastLogin: config.updateLastLogin,
    hashConcurrency: config.passwordHashConcurrency,
    loginQueueDepth: config.loginQueueDepth ?? 4 * config.passwordHashConcurrency,
  });

function tokenServiceFor(
  config: Config,
  keys: KeyRing,
  store: Store,
  clock: Clock,
  events: AuthEvents,
) {
  const codec = createJwtCodec(keys, {
    audience: config.jwtAudience,
    issuer: config.jwtIssuer,
    leewaySeconds: config.jwtLeewaySeconds,
  });
  const tokens = createTokenService(
    store,
    codec,
    clock,
    {
      accessLifetimeSeconds: config.accessTokenLifetimeSeconds,
      leewaySeconds: config.jwtLeewaySeconds,
      refreshLifetimeSeconds: config.refreshTokenLifetimeSeconds,
      rotateRefreshTokens: config.rotateRefreshTokens,
      blacklistAfterRotation: config.blacklistAfterRotation,
      reuseDetection: config.refreshReuseDetection,
    },
    events,
  );
  return tokens;
}

export async function buildServices(
  config: Config,
  clock: Clock,
  events: AuthEvents = unobservedAuthEvents,
) {
  // Keys first: a bad key is a configuration error, reported before any file is touched.
  const keys = buildKeyRing(config);
  const store = await openConfiguredStore(config, clock);
  const tokens = tokenServiceFor(config, keys, store, clock, events);
  const users = userServiceFor(config, store, clock);
  const findUser = cachedUserLookup(
    (id) => store.users.findById(id),
    clock,
    config.userCacheTtlSeconds,
  );
  return { keys, store, tokens, users, authenticate: createAccessAuthentication(tokens, findUser) };
}
