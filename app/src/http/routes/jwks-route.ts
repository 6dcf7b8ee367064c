/**
 * The public verifying keys as a JWK Set (RFC 7517), so other services can check this API's
 * tokens. With an HMAC algorithm the keys are secrets and there is nothing to publish.
 */
import type { Router } from 'express';
import { AppError } from '../../errors/app-error.ts';
import { messages } from '../../errors/messages.ts';
import type { KeyRing } from '../../tokens/key-ring.ts';

export function addJwksRoute(router: Router, keys: KeyRing): void {
  router.get('/.well-known/jwks.json', (_req, res) => {
    if (keys.jwks.keys.length === 0) throw new AppError('not_found', messages.notFound);
    res.set('Cache-Control', 'public, max-age=300').json(keys.jwks);
  });
}
