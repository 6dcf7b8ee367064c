/** Rotation under load: each virtual user keeps a refresh chain of its own and spends it. */
import { login, rotate } from '../lib/api.ts';
import { optionsFor } from '../lib/profiles.ts';
import { requireReadyTarget } from '../lib/target.ts';

export { handleSummary } from '../lib/summary.ts';

export const options = optionsFor('refresh');

export function setup(): void {
  requireReadyTarget();
}

/** This virtual user's current refresh token (module state is per VU in k6). */
let chain: string | undefined;

export default function (): void {
  chain ??= login()?.refresh;
  if (chain) chain = rotate(chain);
}
