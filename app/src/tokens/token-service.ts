/**
 * Issuing, refreshing, verifying and revoking tokens: simplejwt's semantics, with the refresh
 * tokens of a login kept as a family (refresh-token-rotation.ts).
 */
import { epochSeconds, type Clock } from '../clock.ts';
import { AppError } from '../errors/app-error.ts';
import { messages } from '../errors/messages.ts';
import { unobservedAuthEvents, type AuthEvents } from '../metrics/auth-events.ts';
import type { Store } from '../store/store.ts';
import type { User } from '../store/user-repository.ts';
import type { Claims, JwtCodec } from './jwt-codec.ts';
import { createRefreshTokenRotation, type RotationPolicy } from './refresh-token-rotation.ts';
import { checkClaims, tokenClaims } from './token-claims.ts';
import { createVerifiedAccessCache } from './verified-access-cache.ts';

export interface TokenPolicy extends RotationPolicy {
  accessLifetimeSeconds: number;
  /** JWT_LEEWAY: the clock skew tolerated on exp, here and in the codec. */
  leewaySeconds: number;
  rotateRefreshTokens: boolean;
}

export interface TokenPair {
  refresh: string;
  access: string;
}

export interface RefreshResult {
  access: string;
  refresh?: string;
}

export function createTokenService(
  store: Store,
  codec: JwtCodec,
  clock: Clock,
  policy: TokenPolicy,
  events: AuthEvents = unobservedAuthEvents,
) {
  const now = () => epochSeconds(clock);
  const rotation = createRefreshTokenRotation(store, codec, now, policy, events);
  const verifiedAccess = createVerifiedAccessCache(policy.leewaySeconds);

  /** An access token made from a refresh token: its claims but for type, exp and jti. */
  function accessFrom(refresh: Claims, userId: number, issuedAt: number): string {
    const own = tokenClaims('access', userId, issuedAt, policy.accessLifetimeSeconds);
    const { token_type, exp, iat, jti } = own;
    return codec.encode({ ...own, ...refresh, token_type, exp, iat, jti });
  }

  async function requireActiveUser(userId: number): Promise<void> {
    const user = await store.users.findById(userId);
    if (!user?.isActive) throw new AppError('no_active_account', messages.noActiveAccountForToken);
  }

  return {
    async issuePair(user: User): Promise<TokenPair> {
      const issuedAt = now();
      const refresh = tokenClaims('refresh', user.id, issuedAt, policy.refreshLifetimeSeconds);
      await rotation.recordLogin(refresh, user.id);
      events.issued();
      return { refresh: codec.encode(refresh), access: accessFrom(refresh, user.id, issuedAt) };
    },

    async refresh(raw: string): Promise<RefreshResult> {
      const { claims, record } = await rotation.validRefresh(raw);
      await requireActiveUser(record.userId);
      const issuedAt = now();
      const access = accessFrom(claims, record.userId, issuedAt);
      if (!policy.rotateRefreshTokens) {
        events.refreshed();
        return { access };
      }
      const next = await rotation.rotate(claims, record, issuedAt);
      events.refreshed();
      return { access, refresh: codec.encode(next) };
    },

    /** The verify endpoint: any type of token, signed and live and not blacklisted. */
    async verify(raw: string): Promise<void> {
      const claims = codec.decode(raw, now());
      checkClaims(claims, undefined);
      // simplejwt's verify serializer refuses a blacklisted token as invalid input, not a 401.
      if (typeof claims.jti === 'string' && (await store.tokens.findBlacklisting(claims.jti))) {
        throw new AppError('invalid', 'Invalid input.', {
          fields: { non_field_errors: [messages.tokenBlacklisted] },
        });
      }
    },

    async blacklist(raw: string): Promise<void> {
      await rotation.blacklist(raw);
      events.blacklisted();
    },

    /** Checks an access token's signature, lifetime and claims; returns its claims. */
    validAccess(raw: string): Claims {
      const known = verifiedAccess.get(raw, now());
      if (known) return known;
      const claims = codec.decode(raw, now());
      checkClaims(claims, 'access');
      verifiedAccess.remember(raw, claims);
      return claims;
    },

    /** Revokes every refresh token of the user; returns how many were live. */
    logoutAll: (userId: number): Promise<number> =>
      store.tokens.revokeUser(userId, 'logout_all', now()),
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
