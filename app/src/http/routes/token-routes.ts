/**
 * simplejwt's endpoints, plus logout-all. Handlers only read the request and shape the response;
 * the decisions are the services'.
 */
import type { RequestHandler, Router } from 'express';
import type { AuthEvents } from '../../metrics/auth-events.ts';
import type { TokenService } from '../../tokens/token-service.ts';
import type { UserService } from '../../users/user-service.ts';
import { parseBody } from '../middleware/body-parsing.ts';
import { methodNotAllowed } from '../middleware/fallbacks.ts';
import { authenticatedUser } from '../middleware/require-access-token.ts';
import type { RefreshCookie } from '../refresh-cookie.ts';
import { readStringFields } from '../request-fields.ts';

export interface TokenRoutesDeps {
  users: UserService;
  tokens: TokenService;
  cookie: RefreshCookie;
  requireAccessToken: RequestHandler;
  bodyLimitBytes: number;
  events: AuthEvents;
}

/**
 * Responses that carry tokens must not be stored by any cache (RFC 6749 section 5.1); set before
 * the handler runs, so the errors of these endpoints carry it too.
 */
const noStore: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  next();
};

export function addTokenRoutes(
  router: Router,
  {
  users,
  tokens,
  cookie,
  requireAccessToken,
  bodyLimitBytes,
  events,
}: TokenRoutesDeps,
): void {
  const body = parseBody(bodyLimitBytes);
  const post = (path: string, ...handlers: RequestHandler[]) =>
    router
      .route(path)
      .all(noStore)
      .post(...handlers)
      .all(methodNotAllowed(['POST']));

  post('/api/token/', ...body, async (req, res) => {
    const { username, password } = readStringFields(req.body, ['username', 'password']);
    const user = await users.authenticate(username, password, req.ip).catch((error: unknown) => {
      events.loginFailed();
      throw error;
    });
    const pair = await tokens.issuePair(user);
    if (!cookie.enabled) {
      res.json(pair);
      return;
    }
    cookie.set(res, pair.refresh);
    res.json({ access: pair.access });
  });

  post('/api/token/refresh/', ...body, async (req, res) => {
    const { refresh } = readStringFields(cookie.withCookieToken(req), ['refresh']);
    const result = await tokens.refresh(refresh);
    if (!cookie.enabled || result.refresh === undefined) {
      res.json(result);
      return;
    }
    cookie.set(res, result.refresh);
    res.json({ access: result.access });
  });

  post('/api/token/verify/', ...body, async (req, res) => {
    const { token } = readStringFields(req.body, ['token']);
    await tokens.verify(token);
    res.json({});
  });

  post('/api/token/blacklist/', ...body, async (req, res) => {
    const { refresh } = readStringFields(cookie.withCookieToken(req), ['refresh']);
    await tokens.blacklist(refresh);
    if (cookie.enabled) cookie.clear(res);
    res.json({});
  });

  post('/api/token/logout-all/', requireAccessToken, async (req, res) => {
    const revoked = await tokens.logoutAll(authenticatedUser(req.user).id);
    if (cookie.enabled) cookie.clear(res);
    res.json({ revoked });
  });
}
