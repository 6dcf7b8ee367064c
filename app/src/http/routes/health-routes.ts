/**
 * /healthz: the process is alive (for restarts). /readyz: it can serve (for load balancers and
 * pm2's wait_ready): the database answers and the keys are loaded.
 */
import { Router } from 'express';
import type { KeyRing } from '../../tokens/key-ring.ts';
import type { Store } from '../../store/store.ts';

export function healthRoutes(store: Store, keys: KeyRing): Router {
  const router = Router();

  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptime_seconds: Math.round(process.uptime()) });
  });

  router.get('/readyz', async (_req, res) => {
    const database = await store.ping().then(
      () => 'ok',
      () => 'unreachable',
    );
    const signingKey = keys.signing.key.type === 'secret' || keys.signing.key.type === 'private';
    const ready = database === 'ok' && signingKey;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'not ready',
      checks: { database, keys: signingKey ? 'ok' : 'missing' },
    });
  });

  return router;
}
