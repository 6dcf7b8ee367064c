/** The protected example route: what any route of yours looks like behind requireAccessToken. */
import type { RequestHandler, Router } from 'express';
import { methodNotAllowed } from '../middleware/fallbacks.ts';
import { exactRouter } from './exact-router.ts';

export function helloRoutes(requireAccessToken: RequestHandler): Router {
  const router = exactRouter();
  router
    .route('/hello/')
    .get(requireAccessToken, (_req, res) => {
      res.json({ message: 'Hello, World!' });
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
