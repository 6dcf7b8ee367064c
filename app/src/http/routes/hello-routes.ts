/** The protected example route: what any route of yours looks like behind requireAccessToken. */
import { Router, type RequestHandler } from 'express';
import { methodNotAllowed } from '../middleware/fallbacks.ts';

export function helloRoutes(requireAccessToken: RequestHandler): Router {
  const router = Router();
  router
    .route('/hello/')
    .get(requireAccessToken, (_req, res) => {
      res.json({ message: 'Hello, World!' });
    })
    .all(methodNotAllowed(['GET']));
  return router;
}
