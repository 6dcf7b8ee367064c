/**
 * Signs and checks JWTs with the pinned algorithm and the key ring. The algorithm and the key come
 * from configuration, never from the token: the header's `alg` must equal the configured one and
 * its `kid` only chooses among keys the server already trusts.
 */
import jwt from 'jsonwebtoken';
import { AppError } from '../errors/app-error.ts';
import { messages } from '../errors/messages.ts';
import type { KeyRing } from './key-ring.ts';

export type Claims = Record<string, unknown>;

export interface CodecOptions {
  audience: string | undefined;
  issuer: string | undefined;
  leewaySeconds: number;
}

export const invalidToken = (message: string) => new AppError('token_not_valid', message);

/**
 * A token's header, to pick the key by its kid, read without its payload: jwt.verify parses the
 * payload once, where jwt.decode before it parsed the whole token a second time.
 */
function headerOf(token: string): Record<string, unknown> | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0) return undefined;
  try {
    const header: unknown = JSON.parse(Buffer.from(token.slice(0, dot), 'base64url').toString());
    return typeof header === 'object' && header !== null
      ? (header as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * PyJWT's iat check, which simplejwt relies on and jsonwebtoken does not make: when present, iat
 * reads as an integer (Python's int(): a number, or digits in a string) not after `latest`.
 */
function issuedBy(claims: Claims, latest: number): boolean {
  const { iat } = claims;
  if (iat === undefined) return true;
  const seconds =
    typeof iat === 'number'
      ? Math.trunc(iat)
      : typeof iat === 'string' && /^\s*[+-]?\d+\s*$/.test(iat)
        ? Number(iat)
        : NaN;
  return Number.isFinite(seconds) && seconds <= latest;
}

export function createJwtCodec(keys: KeyRing, options: CodecOptions) {
  const verifyOptions = {
    algorithms: [keys.algorithm],
    clockTolerance: options.leewaySeconds,
    ...(options.audience === undefined ? {} : { audience: options.audience }),
    ...(options.issuer === undefined ? {} : { issuer: options.issuer }),
  };

  return {
    /** `claims` in order; `aud` and `iss` are added when configured, as simplejwt's backend does. */
    encode(claims: Claims): string {
      const payload = {
        ...claims,
        ...(options.audience === undefined ? {} : { aud: options.audience }),
        ...(options.issuer === undefined ? {} : { iss: options.issuer }),
      };
      return jwt.sign(payload, keys.signing.key, {
        algorithm: keys.algorithm,
        keyid: keys.signing.kid,
      });
    },

    /** Checks signature, exp, nbf, aud and iss at `nowSeconds`; throws simplejwt's texts. */
    decode(token: string, nowSeconds: number): Claims {
      const header = headerOf(token);
      if (!header) throw invalidToken(messages.tokenInvalid);
      // Tokens without a kid (simplejwt's, for one) are checked with the current signing key.
      const key = keys.verifying.get((header.kid as string | undefined) ?? keys.signing.kid);
      if (!key) throw invalidToken(messages.tokenInvalid);
      let claims: unknown;
      try {
        claims = jwt.verify(token, key, { ...verifyOptions, clockTimestamp: nowSeconds });
      } catch (error) {
        if (error instanceof jwt.TokenExpiredError) throw invalidToken(messages.tokenExpired);
        throw invalidToken(messages.tokenInvalid);
      }
      if (typeof claims !== 'object' || claims === null) throw invalidToken(messages.tokenInvalid);
      if (!issuedBy(claims as Claims, nowSeconds + options.leewaySeconds)) {
        throw invalidToken(messages.tokenInvalid);
      }
      return claims as Claims;
    },
  };
}

export type JwtCodec = ReturnType<typeof createJwtCodec>;
