/**
 * The attacker of the brute-force experiment: virtual users that send wrong-password logins, each
 * for a new account name, as fast as the target answers, for LOADTEST_DURATION. A 401 is a guess
 * the target hashed; a 429 one it refused before hashing.
 */
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { requireReadyTarget, target } from '../lib/target.ts';

export { handleSummary } from '../lib/summary.ts';

const attempts = new Counter('kit_guesses');
const hashed = new Counter('kit_guesses_hashed');
const refused = new Counter('kit_guesses_refused');

export const options: Options = {
  discardResponseBodies: true,
  scenarios: {
    guesses: {
      executor: 'constant-vus',
      vus: Number(__ENV.LOADTEST_ATTACKERS ?? 8),
      duration: __ENV.LOADTEST_DURATION ?? '20s',
      gracefulStop: '10s',
    },
  },
};

export function setup(): void {
  requireReadyTarget();
}

export default function (): void {
  const username = `victim-${__VU}-${__ITER}`;
  const res = http.post(`${target}/api/token/`, JSON.stringify({ username, password: 'guess' }), {
    headers: { 'Content-Type': 'application/json' },
    tags: { name: 'guess' },
    timeout: '10s',
  });
  attempts.add(1);
  if (res.status === 401) hashed.add(1);
  else if (res.status === 429) refused.add(1);
}
