/** The protected example route: what any route of yours looks like behind requireAccessToken. */
import type { RequestHandler, Router } from 'express';
import { addApiView } from '../api-view.ts';

export function addHelloRoutes(router: Router, requireAccessToken: RequestHandler): void {
  addApiView(router, {
    path: '/hello/',
    name: 'Hello',
    description: '',
    before: [requireAccessToken],
    get: [
      (_req, res) => {
        res.json({ message: 'Hello, World!' });
      },
    ],
  });
}
