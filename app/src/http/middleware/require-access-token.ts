/**
 * Protects a route: one line, `router.get(path, requireAccessToken, handler)`, like DRF's
 * `permission_classes = (IsAuthenticated,)`. The authenticated user is then `req.user`.
 */
import type { RequestHandler } from 'express';
import type { AccessAuthentication } from '../../tokens/access-authentication.ts';
import type { User } from '../../users/user.ts';

declare module 'express-serve-static-core' {
  interface Request {
    user?: User;
  }
}

export function createRequireAccessToken(authenticate: AccessAuthentication): RequestHandler {
  return async (req, _res, next) => {
    req.user = await authenticate(req.headers.authorization);
    next();
  };
}

/** The user `requireAccessToken` put on the request. */
export function authenticatedUser(user: User | undefined): User {
  if (!user) throw new Error('route reads req.user without requireAccessToken before it');
  return user;
}
