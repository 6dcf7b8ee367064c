/**
 * Steady traffic for the deploy and crash experiments: GET /hello/ with refresh chains beside it
 * (one in ten iterations spends the virtual user's refresh token), at LOADTEST_RATE per second
 * for LOADTEST_DURATION, through whatever the runner does to the target meanwhile. Every request
 * goes to the CSV the runner reads; failures are the experiment's result, so no threshold stops
 * the run.
 */
import { fail } from 'k6';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { credentials, type TokenPair } from '../lib/api.ts';
import { runDefaults } from '../lib/scenarios.ts';
import { requireReadyTarget, target } from '../lib/target.ts';

export { handleSummary } from '../lib/summary.ts';

/** A chain the server refused (401): a rotation whose answer was lost is then a reuse. */
const chainsBroken = new Counter('kit_refresh_chains_broken');

const rate = Number(__ENV.LOADTEST_RATE ?? runDefaults.rate);
const vus = Math.max(10, Math.ceil(rate / 10));

export const options: Options = {
  discardResponseBodies: false,
  scenarios: {
    steady: {
      executor: 'constant-arrival-rate',
      rate,
      timeUnit: '1s',
      duration: __ENV.LOADTEST_DURATION ?? '20s',
      preAllocatedVUs: vus,
      maxVUs: vus * 10,
      gracefulStop: '5s',
    },
  },
};

const json = { headers: { 'Content-Type': 'application/json' }, timeout: '5s' };

/** A login per virtual user, before the clock starts: each one keeps a refresh chain of its own. */
export function setup(): TokenPair[] {
  requireReadyTarget();
  return Array.from({ length: vus }, () => {
    const res = http.post(`${target}/api/token/`, JSON.stringify(credentials()), json);
    if (res.status !== 200) fail(`cannot log in at ${target}: ${res.status}`);
    return res.json() as unknown as TokenPair;
  });
}

/** This virtual user's refresh token; null once the server broke the chain. */
let chain: string | null | undefined;

export default function (pairs: TokenPair[]): void {
  const pair = pairs[__VU % pairs.length] as TokenPair;
  if (Math.random() >= 0.1 || chain === null || __VU > pairs.length) {
    http.get(`${target}/hello/`, {
      headers: { Authorization: `Bearer ${pair.access}` },
      tags: { name: 'hello' },
      timeout: '5s',
    });
    return;
  }
  chain ??= pair.refresh;
  const res = http.post(`${target}/api/token/refresh/`, JSON.stringify({ refresh: chain }), {
    ...json,
    tags: { name: 'refresh' },
  });
  if (res.status === 200) {
    chain = (res.json() as { refresh: string }).refresh;
  } else if (res.status === 401) {
    chainsBroken.add(1);
    chain = null; // a real client would log in again; this one only reads from now on
  }
  // Anything else (a refused connection, a 502) is retried with the same token next time.
}
