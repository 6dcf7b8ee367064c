/**
 * Where the load goes: K6_TARGET, so one script runs against any server (the dev server, the
 * local stack, a deployed one). setup() checks it first, so a wrong URL fails in a second
 * instead of after a run full of errors.
 */
import { fail } from 'k6';
import http from 'k6/http';

export const target = (__ENV.K6_TARGET ?? '').replace(/\/+$/, '');

export function requireReadyTarget(): void {
  if (!target)
    fail('K6_TARGET is not set: the URL of the server to load, e.g. http://127.0.0.1:8080');
  const res = http.get(`${target}/readyz`, { responseType: 'text', tags: { name: 'setup' } });
  if (res.status !== 200) {
    fail(`${target}/readyz answered ${res.status || res.error}: is the server running?`);
  }
}
