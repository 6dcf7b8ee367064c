/**
 * Refresh-token families. Every refresh token descends from a login; refreshing spends it and
 * records its child. Presenting a spent token again means two parties hold the chain, so the
 * whole family is revoked (reuse detection, as in
 * https://datatracker.ietf.org/doc/html/draft-ietf-oauth-security-topics#section-4.14.2). Of
 * concurrent uses of one token the store lets exactly one win; the others count as reuses.
 */
import { messages } from '../errors/messages.ts';
import type { AuthEvents } from '../metrics/auth-events.ts';
import type { OutstandingToken, Store } from '../store/store.ts';
import { invalidToken, type Claims, type JwtCodec } from './jwt-codec.ts';
import { checkClaims, newJti, userIdOf } from './token-claims.ts';

export interface RotationPolicy {
  refreshLifetimeSeconds: number;
  blacklistAfterRotation: boolean;
  reuseDetection: boolean;
}

export function createRefreshTokenRotation(
  store: Store,
  codec: JwtCodec,
  now: () => number,
  policy: RotationPolicy,
  events: AuthEvents,
) {
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

  /** A blacklisted token is refused; one refused because it was rotated is a reuse. */
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

  /** Of concurrent uses of one token only one gets here first; the others are reuses. */
  async function lostRace(jti: string): Promise<never> {
    await refuseBlacklisted(jti);
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

  return {
    /** Records the first token of a new family, issued at a login. */
    recordLogin: (claims: Claims, userId: number): Promise<void> =>
      store.tokens.recordOutstanding(outstandingFor(claims, userId, null)),

    validRefresh,

    /** Spends `record` and returns its child's claims, recorded in the same family. */
    async rotate(claims: Claims, record: OutstandingToken, issuedAt: number): Promise<Claims> {
      const next: Claims = {
        ...claims,
        exp: issuedAt + Math.round(policy.refreshLifetimeSeconds),
        iat: issuedAt,
        jti: newJti(),
      };
      const nextRecord = outstandingFor(next, record.userId, record.jti, record.familyId);
      if (!policy.blacklistAfterRotation) {
        await store.tokens.recordOutstanding(nextRecord);
      } else if (!(await store.tokens.rotate(record, nextRecord, issuedAt))) {
        await lostRace(record.jti);
      }
      return next;
    },

    /** Logs a refresh token out; a second logout of the same token is refused. */
    async blacklist(raw: string): Promise<void> {
      const { record } = await validRefresh(raw);
      if (!(await store.tokens.blacklist(record, 'logout', now()))) await lostRace(record.jti);
    },
  };
}

export type RefreshTokenRotation = ReturnType<typeof createRefreshTokenRotation>;
