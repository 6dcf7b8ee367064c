/**
 * Protects a route: one line, `router.get(path, requireAccessToken, handler)`, like DRF's
 * `permission_classes = (IsAuthenticated,)`. The authenticated user is then `req.user`.
 */
import type { Request, RequestHandler } from 'express';
import type { AccessAuthentication } from '../../tokens/access-authentication.ts';
import type { User } from '../../store/user-repository.ts';

declare module 'express-serve-static-core' {
  interface Request {
    user?: User;
  }
}

/**
 * The Authorization header; sent twice, its lines joined as a WSGI server joins them, which
 * simplejwt then refuses as a malformed header. Node keeps only the first of the two. The raw
 * headers are scanned rather than req.headersDistinct, which builds every header anew on each
 * request: a tenth of what authentication costs.
 */
function authorizationOf(req: Request): string | undefined {
  const raw = req.rawHeaders;
  let lines: string[] | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    if (name.length === 13 && name.toLowerCase() === 'authorization') {
      (lines ??= []).push(raw[i + 1] ?? '');
    }
  }
  return lines && lines.length > 1 ? lines.join(',') : req.headers.authorization;
}

export function createRequireAccessToken(authenticate: AccessAuthentication): RequestHandler {
  return async (req, _res, next) => {
    req.user = await authenticate(authorizationOf(req));
    next();
  };
}

/** The user `requireAccessToken` put on the request. */
export function authenticatedUser(user: User | undefined): User {
  if (!user) throw new Error('route reads req.user without requireAccessToken before it');
  return user;
}
