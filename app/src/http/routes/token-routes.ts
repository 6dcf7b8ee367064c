/**
 * simplejwt's endpoints, plus logout-all. Handlers only read the request and shape the response;
 * the decisions are the services'.
 */
import type { RequestHandler, Router } from 'express';
import type { AuthEvents } from '../../metrics/auth-events.ts';
import type { TokenService } from '../../tokens/token-service.ts';
import type { UserService } from '../../users/user-service.ts';
import { addApiView, stringField, type ApiView } from '../api-view.ts';
import { parseBody } from '../middleware/body-parsing.ts';
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
/** simplejwt's views as DRF describes them to OPTIONS: their class names and docstrings. */
const simplejwtViews = {
  obtainPair: {
    name: 'Token Obtain Pair',
    description:
      'Takes a set of user credentials and returns an access and refresh JSON web\n' +
      'token pair to prove the authentication of those credentials.',
    postFields: { username: stringField('username'), password: stringField('password') },
  },
  refresh: {
    name: 'Token Refresh',
    description:
      'Takes a refresh type JSON web token and returns an access type JSON web\n' +
      'token if the refresh token is valid.',
    postFields: {
      refresh: stringField('refresh'),
      access: stringField('access', { readOnly: true }),
    },
  },
  verify: {
    name: 'Token Verify',
    description:
      'Takes a token and indicates if it is valid.  This view provides no\n' +
      "information about a token's fitness for a particular use.",
    postFields: { token: stringField('token') },
  },
  blacklist: {
    name: 'Token Blacklist',
    description:
      'Takes a token and blacklists it. Must be used with the\n' +
      '`rest_framework_simplejwt.token_blacklist` app installed.',
    postFields: { refresh: stringField('refresh') },
  },
};

const logoutAllView = {
  name: 'Logout All',
  description: 'Blacklists every refresh token of the authenticated user.',
};

const noStore: RequestHandler = (_req, res, next) => {
  res.set({ 'Cache-Control': 'no-store', Pragma: 'no-cache' });
  next();
};

export function addTokenRoutes(router: Router, deps: TokenRoutesDeps): void {
  const { users, tokens, cookie, requireAccessToken, bodyLimitBytes, events } = deps;
  const body = parseBody(bodyLimitBytes);
  const tokenView = (
    path: string,
    view: Pick<ApiView, 'name' | 'description' | 'postFields'>,
    ...handlers: RequestHandler[]
  ) => {
    addApiView(router, { path, ...view, before: [noStore], post: handlers });
  };

  tokenView('/api/token/', simplejwtViews.obtainPair, ...body, async (req, res) => {
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

  tokenView('/api/token/refresh/', simplejwtViews.refresh, ...body, async (req, res) => {
    const { refresh } = readStringFields(cookie.withCookieToken(req), ['refresh']);
    const result = await tokens.refresh(refresh);
    if (!cookie.enabled || result.refresh === undefined) {
      res.json(result);
      return;
    }
    cookie.set(res, result.refresh);
    res.json({ access: result.access });
  });

  tokenView('/api/token/verify/', simplejwtViews.verify, ...body, async (req, res) => {
    const { token } = readStringFields(req.body, ['token']);
    await tokens.verify(token);
    res.json({});
  });

  tokenView('/api/token/blacklist/', simplejwtViews.blacklist, ...body, async (req, res) => {
    const { refresh } = readStringFields(cookie.withCookieToken(req), ['refresh']);
    await tokens.blacklist(refresh);
    if (cookie.enabled) cookie.clear(res);
    res.json({});
  });

  tokenView('/api/token/logout-all/', logoutAllView, requireAccessToken, async (req, res) => {
    const revoked = await tokens.logoutAll(authenticatedUser(req.user).id);
    if (cookie.enabled) cookie.clear(res);
    res.json({ revoked });
  });
}
