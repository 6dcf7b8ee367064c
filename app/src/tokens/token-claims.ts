/**
 * The claims of this API's tokens and the checks simplejwt's Token.verify makes, in its order:
 * exp present, jti present, then the token type.
 */
import { randomUUID } from 'node:crypto';
import { messages } from '../errors/messages.ts';
import type { Claims } from './jwt-codec.ts';
import { invalidToken } from './jwt-codec.ts';

export type TokenType = 'access' | 'refresh';

/** simplejwt writes jti as uuid4().hex: 32 hex digits, no dashes. */
export const newJti = (): string => randomUUID().replaceAll('-', '');

export function tokenClaims(
  type: TokenType,
  userId: number,
  issuedAt: number,
  lifetimeSeconds: number,
): Claims {
  return {
    token_type: type,
    exp: issuedAt + Math.round(lifetimeSeconds),
    iat: issuedAt,
    jti: newJti(),
    // simplejwt writes the id as a string (str(user.pk)); clients and Django read it so.
    user_id: String(userId),
  };
}

/** `expectedType` undefined checks an untyped token, as the verify endpoint does. */
export function checkClaims(claims: Claims, expectedType: TokenType | undefined): void {
  // RFC 7519 makes exp optional; a token without one would never expire, so it is refused.
  if (claims.exp === undefined) throw invalidToken(messages.tokenHasNoExp);
  if (claims.jti === undefined) throw invalidToken(messages.tokenHasNoId);
  if (expectedType === undefined) return;
  if (claims.token_type === undefined) throw invalidToken(messages.tokenHasNoType);
  if (claims.token_type !== expectedType) throw invalidToken(messages.tokenHasWrongType);
}

/** The user id, written as simplejwt does ("1") or as a number (1), as Django reads either. */
export function userIdOf(claims: Claims): number | undefined {
  const id = claims.user_id;
  if (typeof id === 'number') return Number.isSafeInteger(id) ? id : undefined;
  if (typeof id === 'string' && /^\d{1,15}$/.test(id)) return Number(id);
  return undefined;
}
