/** The protected example route: what any route of yours looks like behind requireAccessToken. */
import type { RequestHandler, Router } from 'express';
import { methodNotAllowed } from '../middleware/fallbacks.ts';

export function addHelloRoutes(router: Router, requireAccessToken: RequestHandler): void {
  router
    .route('/hello/')
    .get(requireAccessToken, (_req, res) => {
      res.json({ message: 'Hello, World!' });
    })
    .all(methodNotAllowed(['GET']));
}
