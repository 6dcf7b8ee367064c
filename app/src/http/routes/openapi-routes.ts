/** The API's own description: /api/schema/ for machines, /api/docs/ for people. */
import type { Router } from 'express';
import { methodNotAllowed } from '../middleware/fallbacks.ts';
import type { OpenApiDocument } from '../openapi/openapi-document.ts';
import { referenceStylesheet, renderReference } from '../openapi/render-reference.ts';

export function addOpenApiRoutes(router: Router, document: OpenApiDocument): void {
  // Rendered once: the document is fixed for the life of the process.
  const json = JSON.stringify(document);
  const page = renderReference(document);
  router
    .route('/api/schema/')
    .get((_req, res) => {
      res.type('json').send(json);
    })
    .all(methodNotAllowed(['GET']));
  router
    .route('/api/docs/')
    .get((_req, res) => {
      res.type('html').send(page);
    })
    .all(methodNotAllowed(['GET']));
  router.get('/api/docs/reference.css', (_req, res) => {
    res.type('css').send(referenceStylesheet);
  });
}
