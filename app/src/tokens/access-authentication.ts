/**
 * Who is calling: simplejwt's JWTAuthentication. Reads `Authorization: Bearer <token>`, checks the
 * access token and loads its active user, with the same outcomes and texts.
 */
import { AppError } from '../errors/app-error.ts';
import { messages } from '../errors/messages.ts';
import type { User } from '../store/user-repository.ts';
import { invalidToken } from './jwt-codec.ts';
import { userIdOf } from './token-claims.ts';
import type { TokenService } from './token-service.ts';

export const authHeaderType = 'Bearer';
export const wwwAuthenticate = `${authHeaderType} realm="api"`;

/** The raw token, or undefined when the header carries no Bearer credentials at all. */
export function bearerToken(header: string | undefined): string | undefined {
  const parts = (header ?? '').split(/\s+/).filter(Boolean);
  if (parts.length === 0 || parts[0] !== authHeaderType) return undefined;
  if (parts.length !== 2) {
    throw new AppError('bad_authorization_header', messages.badAuthorizationHeader);
  }
  return parts[1];
}

/** `findUser` loads a user by id: the store's, or a cache of it (users/user-lookup-cache.ts). */
export function createAccessAuthentication(
  tokens: TokenService,
  findUser: (id: number) => Promise<User | undefined>,
) {
  return async function authenticate(header: string | undefined): Promise<User> {
    const raw = bearerToken(header);
    if (raw === undefined) throw new AppError('not_authenticated', messages.notAuthenticated);

    let claims;
    try {
      claims = tokens.validAccess(raw);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'token_not_valid') throw error;
      throw new AppError('token_not_valid', messages.givenTokenNotValid, {
        messages: [{ token_class: 'AccessToken', token_type: 'access', message: error.message }],
      });
    }

    const userId = userIdOf(claims);
    if (userId === undefined) throw invalidToken(messages.noUserIdentification);
    const user = await findUser(userId);
    if (!user) throw new AppError('user_not_found', messages.userNotFound);
    if (!user.isActive) throw new AppError('user_inactive', messages.userInactive);
    return user;
  };
}

export type AccessAuthentication = ReturnType<typeof createAccessAuthentication>;
