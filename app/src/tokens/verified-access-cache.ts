/**
 * Access tokens already verified by this process, so that each is verified once rather than on
 * every request: a client sends the same access token until it expires (5 minutes by default),
 * and verifying it again (signature, JSON, claims) was most of what /hello/ cost beyond /healthz.
 * Only expiry can change a verified access token's answer (simplejwt blacklists refresh tokens,
 * never access tokens), so a hit checks exp again, exactly as jsonwebtoken does, with the leeway.
 */
import { messages } from '../errors/messages.ts';
import { invalidToken, type Claims } from './jwt-codec.ts';

/** A few thousand clients' tokens at once; beyond it the oldest entry goes first. */
const maxEntries = 5000;

export function createVerifiedAccessCache(leewaySeconds: number) {
  const verified = new Map<string, Claims>();
  return {
    /** The claims of a token verified before, still live at `nowSeconds`; undefined if unknown. */
    get(raw: string, nowSeconds: number): Claims | undefined {
      const claims = verified.get(raw);
      if (!claims) return undefined;
      if (nowSeconds >= Number(claims.exp) + leewaySeconds) {
        verified.delete(raw);
        throw invalidToken(messages.tokenExpired);
      }
      return claims;
    },
    remember(raw: string, claims: Claims): void {
      if (verified.size >= maxEntries) verified.delete(verified.keys().next().value ?? raw);
      verified.set(raw, claims);
    },
  };
}
