/**
 * /healthz: the process is alive (for restarts). /readyz: it can serve (for load balancers and
 * pm2's wait_ready): the database answers and the keys are loaded.
 */
import type { Router } from 'express';
import { checkReadiness } from '../../readiness.ts';
import type { KeyRing } from '../../tokens/key-ring.ts';
import type { Store } from '../../store/store.ts';

export function addHealthRoutes(router: Router, store: Store, keys: KeyRing): void {
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptime_seconds: Math.round(process.uptime()) });
  });

  router.get('/readyz', async (_req, res) => {
    const { ready, checks } = await checkReadiness(store, keys);
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks });
  });
}
