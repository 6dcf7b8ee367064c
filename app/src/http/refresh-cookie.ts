/**
 * Cookie mode for browser apps (REFRESH_TOKEN_COOKIE=true): the refresh token lives in an HttpOnly
 * cookie that scripts cannot read, instead of the JSON body.
 * - `__Secure-` makes browsers accept it only with Secure, i.e. over HTTPS (localhost excepted).
 * - SameSite=Strict keeps other sites from sending it, which is what stops cross-site requests.
 * - Path=/api/token/ sends it to the refresh and blacklist (logout) endpoints and nowhere else.
 */
import { parse } from 'cookie';
import type { Request, Response } from 'express';

export const refreshCookieName = '__Secure-refresh';
export const refreshCookiePath = '/api/token/';

export function createRefreshCookie(enabled: boolean, lifetimeSeconds: number) {
  const options = {
    httpOnly: true,
    secure: true,
    sameSite: 'strict',
    path: refreshCookiePath,
  } as const;

  return {
    enabled,

    /** The body with `refresh` taken from the cookie when the body has none. */
    withCookieToken(req: Request): unknown {
      const body: unknown = req.body;
      if (!enabled || typeof body !== 'object' || body === null || 'refresh' in body) return body;
      const token = parse(req.headers.cookie ?? '')[refreshCookieName];
      return token === undefined ? body : { ...body, refresh: token };
    },

    set(res: Response, token: string): void {
      res.cookie(refreshCookieName, token, { ...options, maxAge: lifetimeSeconds * 1000 });
    },

    clear(res: Response): void {
      res.clearCookie(refreshCookieName, options);
    },
  };
}

export type RefreshCookie = ReturnType<typeof createRefreshCookie>;
