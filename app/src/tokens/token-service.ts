/**
 * Issuing, refreshing, verifying and revoking tokens: simplejwt's semantics, plus refresh-token
 * families. Every refresh token descends from a login; presenting one that was already rotated
 * means two parties hold the chain, so the whole family is revoked (reuse detection, as in
 * https://datatracker.ietf.org/doc/html/draft-ietf-oauth-security-topics#section-4.14.2).
 */
import { epochSeconds, type Clock } from '../clock.ts';
import { AppError } from '../errors/app-error.ts';
import { messages } from '../errors/messages.ts';
import { unobservedAuthEvents, type AuthEvents } from '../metrics/auth-events.ts';
import type { OutstandingToken, Store, User } from '../store/store.ts';
import { invalidToken, type Claims, type JwtCodec } from './jwt-codec.ts';
import { checkClaims, newJti, tokenClaims, userIdOf } from './token-claims.ts';

export interface TokenPolicy {
  accessLifetimeSeconds: number;
  refreshLifetimeSeconds: number;
  rotateRefreshTokens: boolean;
  blacklistAfterRotation: boolean;
  reuseDetection: boolean;
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

  const outstandingFor = (
    claims: Claims,
    userId: number,
    parentJti: string | null,
    familyId?: string,
  ): OutstandingToken => ({
    jti: String(claims.jti),
    userId,
    familyId: familyId ?? String(claims.jti),
    parentJti,
    createdAt: Number(claims.iat ?? now()),
    expiresAt: Number(claims.exp),
  });

  /** An access token made from a refresh token: its claims but for type, exp and jti. */
  function accessFrom(refresh: Claims, issuedAt: number): string {
    const own = tokenClaims(
      'access',
      Number(refresh.user_id),
      issuedAt,
      policy.accessLifetimeSeconds,
    );
    const { token_type, exp, iat, jti } = own;
    return codec.encode({ ...own, ...refresh, token_type, exp, iat, jti });
  }

  async function refuseBlacklisted(jti: unknown): Promise<void> {
    if (typeof jti !== 'string') return;
    const blacklisting = await store.tokens.findBlacklisting(jti);
    if (!blacklisting) return;
    if (blacklisting.reason === 'rotated' && policy.reuseDetection) {
      const record = await store.tokens.findOutstanding(jti);
      if (record) {
        await store.tokens.revokeFamily(record.familyId, 'reuse', now());
        events.reuseDetected();
      }
    }
    throw invalidToken(messages.tokenBlacklisted);
  }

  /** A refresh token that may be used: signed, live, not blacklisted, of the refresh type. */
  async function validRefresh(raw: string): Promise<{ claims: Claims; record: OutstandingToken }> {
    const claims = codec.decode(raw, now());
    await refuseBlacklisted(claims.jti);
    checkClaims(claims, 'refresh');
    const userId = userIdOf(claims);
    if (userId === undefined) throw invalidToken(messages.noUserIdentification);
    const record =
      (await store.tokens.findOutstanding(String(claims.jti))) ??
      outstandingFor(claims, userId, null);
    return { claims, record };
  }

  async function requireActiveUser(userId: number): Promise<void> {
    const user = await store.users.findById(userId);
    if (!user?.isActive) throw new AppError('no_active_account', messages.noActiveAccountForToken);
  }

  /** Of concurrent uses of one token only one gets here first; the others are reuses. */
  async function lostRace(jti: string): Promise<never> {
    await refuseBlacklisted(jti);
    throw invalidToken(messages.tokenBlacklisted);
  }

  return {
    async issuePair(user: User): Promise<TokenPair> {
      const issuedAt = now();
      const refresh = tokenClaims('refresh', user.id, issuedAt, policy.refreshLifetimeSeconds);
      await store.tokens.recordOutstanding(outstandingFor(refresh, user.id, null));
      events.issued();
      return { refresh: codec.encode(refresh), access: accessFrom(refresh, issuedAt) };
    },

    async refresh(raw: string): Promise<RefreshResult> {
      const { claims, record } = await validRefresh(raw);
      await requireActiveUser(record.userId);
      const issuedAt = now();
      const access = accessFrom(claims, issuedAt);
      if (!policy.rotateRefreshTokens) {
        events.refreshed();
        return { access };
      }

      const next: Claims = {
        ...claims,
        exp: issuedAt + Math.round(policy.refreshLifetimeSeconds),
        iat: issuedAt,
        jti: newJti(),
      };
      const nextRecord = outstandingFor(next, record.userId, record.jti, record.familyId);
      if (policy.blacklistAfterRotation) {
        if (!(await store.tokens.rotate(record, nextRecord, issuedAt))) await lostRace(record.jti);
      } else {
        await store.tokens.recordOutstanding(nextRecord);
      }
      events.refreshed();
      return { access, refresh: codec.encode(next) };
    },

    /** The verify endpoint: any type of token, signed and live and not blacklisted. */
    async verify(raw: string): Promise<void> {
      const claims = codec.decode(raw, now());
      checkClaims(claims, undefined);
      if (typeof claims.jti === 'string' && (await store.tokens.findBlacklisting(claims.jti))) {
        throw invalidToken(messages.tokenBlacklisted);
      }
    },

    async blacklist(raw: string): Promise<void> {
      const { record } = await validRefresh(raw);
      if (!(await store.tokens.blacklist(record, 'logout', now()))) await lostRace(record.jti);
      events.blacklisted();
    },

    /** Checks an access token's signature, lifetime and claims; returns its claims. */
    validAccess(raw: string): Claims {
      const claims = codec.decode(raw, now());
      checkClaims(claims, 'access');
      return claims;
    },

    /** Revokes every refresh token of the user; returns how many were live. */
    logoutAll: (userId: number): Promise<number> =>
      store.tokens.revokeUser(userId, 'logout_all', now()),
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
