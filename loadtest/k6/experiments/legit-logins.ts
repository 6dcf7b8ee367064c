/**
 * The other user of the brute-force experiment: a correct login every two seconds from another
 * address (the runner gives k6 --local-ips), within nginx's per-address login limit, while the
 * attack runs. Its latency is what the attack costs everyone else.
 */
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import type { Options } from 'k6/options';
import { credentials } from '../lib/api.ts';
import { requireReadyTarget, target } from '../lib/target.ts';

export { handleSummary } from '../lib/summary.ts';

const logins = new Counter('kit_legit_logins');
const failed = new Counter('kit_legit_login_failures');

export const options: Options = {
  summaryTrendStats: ['avg', 'med', 'p(95)', 'max'],
  // Listed so the summary holds the logins' latency apart from setup()'s request.
  thresholds: { 'http_req_duration{name:login}': ['max>=0'] },
  scenarios: {
    logins: {
      executor: 'constant-arrival-rate',
      rate: 1,
      timeUnit: '2s',
      duration: __ENV.LOADTEST_DURATION ?? '20s',
      preAllocatedVUs: 2,
      maxVUs: 20,
    },
  },
};

export function setup(): void {
  requireReadyTarget();
}

export default function (): void {
  const res = http.post(`${target}/api/token/`, JSON.stringify(credentials()), {
    headers: { 'Content-Type': 'application/json' },
    tags: { name: 'login' },
    timeout: '30s',
  });
  logins.add(1);
  if (res.status !== 200) failed.add(1);
}
