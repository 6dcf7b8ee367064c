/** POST /api/token/: bounded by password hashing, so it is a scenario of its own. */
import { login } from '../lib/api.ts';
import { optionsFor } from '../lib/profiles.ts';
import { requireReadyTarget } from '../lib/target.ts';

export { handleSummary } from '../lib/summary.ts';

export const options = optionsFor('login');

export function setup(): void {
  requireReadyTarget();
}

export default function (): void {
  login();
}
