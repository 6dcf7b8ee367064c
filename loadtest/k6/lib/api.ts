/**
 * The API's calls as the load tests make them, each with a check named as a sentence. The custom
 * metrics carry the `kit_` prefix, to stand apart from k6's own.
 */
import { check, fail } from 'k6';
import http from 'k6/http';
import { Counter } from 'k6/metrics';
import { target } from './target.ts';

export const loginFailures = new Counter('kit_login_failures');
export const refreshChainBreaks = new Counter('kit_refresh_chain_breaks');

const json = { headers: { 'Content-Type': 'application/json' }, responseType: 'text' as const };

export const credentials = () => ({
  username: __ENV.LOADTEST_USER ?? '',
  password: __ENV.LOADTEST_PASSWORD ?? '',
});

export interface TokenPair {
  access: string;
  refresh: string;
}

/** Logs in; undefined when it failed (counted in kit_login_failures). */
export function login(): TokenPair | undefined {
  const res = http.post(`${target}/api/token/`, JSON.stringify(credentials()), {
    ...json,
    tags: { name: 'login' },
  });
  const ok = check(res, { 'a login returns a token pair': (r) => r.status === 200 });
  if (!ok) {
    loginFailures.add(1);
    return undefined;
  }
  return res.json() as unknown as TokenPair;
}

/** A pair for setup(), or the run stops with the reason. */
export function loginOrFail(): TokenPair {
  const pair = login();
  if (!pair)
    fail(
      `cannot log in as "${credentials().username}" at ${target}: check LOADTEST_USER and LOADTEST_PASSWORD`,
    );
  return pair;
}

export function hello(access: string): void {
  const res = http.get(`${target}/hello/`, {
    headers: { Authorization: `Bearer ${access}` },
    responseType: 'none',
    tags: { name: 'hello' },
  });
  check(res, { 'the protected route greets the caller': (r) => r.status === 200 });
}

/** Spends `refresh` and returns its successor; undefined when the chain broke. */
export function rotate(refresh: string): string | undefined {
  const res = http.post(`${target}/api/token/refresh/`, JSON.stringify({ refresh }), {
    ...json,
    tags: { name: 'refresh' },
  });
  const ok = check(res, { 'a refresh returns the next refresh token': (r) => r.status === 200 });
  if (!ok) {
    refreshChainBreaks.add(1);
    return undefined;
  }
  return (res.json() as { refresh: string }).refresh;
}
