/**
 * The attacker of the brute-force experiment: wrong-password logins, each for a new account name,
 * at LOADTEST_ATTACK_RATE a second whatever the target answers (an open model, the same rate on
 * every target), for LOADTEST_DURATION. As fast as the target answers, the attacker would measure
 * how fast k6 and nginx can send and refuse on the shared cores, not the protection. A 401 is a
 * guess the target hashed; a 429 one it refused before hashing.
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
      executor: 'constant-arrival-rate',
      rate: Number(__ENV.LOADTEST_ATTACK_RATE ?? 100),
      timeUnit: '1s',
      duration: __ENV.LOADTEST_DURATION ?? '20s',
      // A hashed guess takes a worker a good part of a second: enough users to keep the rate.
      preAllocatedVUs: 20,
      maxVUs: 400,
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
