/** One login from a chosen loopback address: nginx and the app tell clients apart by it. */
import { request } from 'node:http';

export interface LoginAnswer {
  /** The HTTP status, or `timeout` or `connection error`. */
  status: string;
  ms: number;
  /** Retry-After's seconds, 1 when absent. */
  retryAfter: number;
}

export function loginFrom(
  url: string,
  username: string,
  password: string,
  from: string,
): Promise<LoginAnswer> {
  const started = performance.now();
  const answer = (status: string, retryAfter = 1) => ({
    status,
    ms: performance.now() - started,
    retryAfter,
  });
  return new Promise((resolve) => {
    const req = request(
      `${url}/api/token/`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        localAddress: from,
        timeout: 60_000,
      },
      (res) => {
        res.resume();
        res.on('end', () => {
          resolve(answer(String(res.statusCode), Number(res.headers['retry-after'] ?? 1)));
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error) => {
      resolve(answer(error.message === 'timeout' ? 'timeout' : 'connection error'));
    });
    req.end(JSON.stringify({ username, password }));
  });
}
