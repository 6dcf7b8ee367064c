/** Whether this process can serve: the database answers and a signing key is loaded. */
import type { Store } from './store/store.ts';
import type { KeyRing } from './tokens/key-ring.ts';

export interface Readiness {
  ready: boolean;
  checks: { database: 'ok' | 'unreachable'; keys: 'ok' | 'missing' };
}

export async function checkReadiness(store: Store, keys: KeyRing): Promise<Readiness> {
  const database = await store.ping().then(
    () => 'ok' as const,
    () => 'unreachable' as const,
  );
  const signingKey = keys.signing.key.type === 'secret' || keys.signing.key.type === 'private';
  return {
    ready: database === 'ok' && signingKey,
    checks: { database, keys: signingKey ? 'ok' : 'missing' },
  };
}
