/**
 * Django's APPEND_SLASH (CommonMiddleware): a request for a path that nothing serves, but that
 * would be served with a final slash, is redirected there with 301, whatever its method, as
 * Django answers it with DEBUG off: `Location` the path with its slash and the query string,
 * an empty text/html body. A client written for Django sees the same answer here.
 * https://docs.djangoproject.com/en/5.2/ref/settings/#append-slash
 */
import type { RequestHandler, Router } from 'express';

/** The paths the router serves, read from its routes. */
function servedPaths(router: Router): Set<string> {
  const layers = router.stack as { route?: { path?: unknown } }[];
  return new Set(
    layers.flatMap(({ route }) => (typeof route?.path === 'string' ? [route.path] : [])),
  );
}

export function appendSlash(router: Router): RequestHandler {
  let served: Set<string> | undefined;
  return (req, res, next) => {
    served ??= servedPaths(router);
    if (req.path.endsWith('/') || !served.has(`${req.path}/`)) {
      next();
      return;
    }
    const queryAt = req.originalUrl.indexOf('?');
    const target = `${req.path}/${queryAt === -1 ? '' : req.originalUrl.slice(queryAt)}`;
    res.status(301).set({ Location: target, 'Content-Type': 'text/html; charset=utf-8' }).end();
  };
}
