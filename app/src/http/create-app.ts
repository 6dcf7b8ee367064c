/** The Express application: middleware and routes in the order a request meets them. */
import express, { type Express } from 'express';
import type { Logger } from '../logging/logger.ts';
import type { AppMetrics } from '../metrics/app-metrics.ts';
import type { Store } from '../store/store.ts';
import type { AccessAuthentication } from '../tokens/access-authentication.ts';
import type { KeyRing } from '../tokens/key-ring.ts';
import type { TokenService } from '../tokens/token-service.ts';
import type { UserService } from '../users/user-service.ts';
import { createErrorHandler } from './middleware/error-handler.ts';
import { appendSlash } from './middleware/append-slash.ts';
import { notFound } from './middleware/fallbacks.ts';
import { answerJsonWithoutCharset } from './json-without-charset.ts';
import { forwardedOnlyFromProxy } from './middleware/forwarded-only-from-proxy.ts';
import { createRequestLog, type RequestLogPolicy } from './middleware/request-log.ts';
import { createRequestMetrics } from './middleware/request-metrics.ts';
import { createRequireAccessToken } from './middleware/require-access-token.ts';
import type { RefreshCookie } from './refresh-cookie.ts';
import { exactRouter } from './routes/exact-router.ts';
import { addHealthRoutes } from './routes/health-routes.ts';
import { addHelloRoutes } from './routes/hello-routes.ts';
import { addJwksRoute } from './routes/jwks-route.ts';
import { openApiDocument } from './openapi/openapi-document.ts';
import { addOpenApiRoutes } from './routes/openapi-routes.ts';
import { addTokenRoutes } from './routes/token-routes.ts';

export interface AppDeps {
  logger: Logger;
  store: Store;
  keys: KeyRing;
  users: UserService;
  tokens: TokenService;
  authenticate: AccessAuthentication;
  cookie: RefreshCookie;
  trustProxy: string;
  /** When set, X-Forwarded-* count only on requests that carry it (forwarded-only-from-proxy.ts). */
  proxySecret: string | undefined;
  bodyLimitBytes: number;
  metrics: AppMetrics;
  requestLog: RequestLogPolicy;
}

/** Express's `trust proxy` takes booleans, hop counts, or names and addresses. */
function trustProxyValue(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // Small JSON answers gain nothing from ETags, and each costs a hash of the body.
  app.set('etag', false);
  answerJsonWithoutCharset(app);
  app.set('trust proxy', trustProxyValue(deps.trustProxy));
  const requireAccessToken = createRequireAccessToken(deps.authenticate);

  if (deps.proxySecret !== undefined) app.use(forwardedOnlyFromProxy(deps.proxySecret));
  app.use(createRequestLog(deps.logger, deps.requestLog));
  app.use(createRequestMetrics(deps.metrics));
  // One router for every route: each router a request passes through costs an entry and an
  // exit, which were a tenth of an authenticated request's time with one router per module.
  const routes = exactRouter();
  addHealthRoutes(routes, deps.store, deps.keys);
  addJwksRoute(routes, deps.keys);
  addTokenRoutes(routes, { ...deps, requireAccessToken, events: deps.metrics.authEvents });
  addHelloRoutes(routes, requireAccessToken);
  addOpenApiRoutes(routes, openApiDocument({ refreshCookie: deps.cookie.enabled }));
  app.use(routes);
  app.use(appendSlash(routes));
  app.use(notFound);
  app.use(createErrorHandler(deps.logger));
  return app;
}
