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
      const decoded = jwt.decode(token, { complete: true });
      if (!decoded || typeof decoded.payload !== 'object')
        throw invalidToken(messages.tokenInvalid);
      const { kid } = decoded.header;
      // Tokens without a kid (simplejwt's, for one) are checked with the current signing key.
      const key = keys.verifying.get(kid ?? keys.signing.kid);
      if (!key) throw invalidToken(messages.tokenInvalid);
      try {
        return jwt.verify(token, key, {
          ...verifyOptions,
          clockTimestamp: nowSeconds,
        }) as Claims;
      } catch (error) {
        if (error instanceof jwt.TokenExpiredError) throw invalidToken(messages.tokenExpired);
        throw invalidToken(messages.tokenInvalid);
      }
    },
  };
}

export type JwtCodec = ReturnType<typeof createJwtCodec>;
