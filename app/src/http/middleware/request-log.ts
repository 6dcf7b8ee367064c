/**
 * A log line per request worth one, with the request id nginx sends (X-Request-Id) or a new one,
 * which is echoed back. By default only problems (4xx, 5xx, slow) are logged in production: a
 * line for every request cost a tenth of the request path's time, and nginx's access log already
 * has every request under the same id. Only the method, path, status, time and client address
 * are logged: never headers or bodies, which carry passwords and tokens.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../../logging/logger.ts';

const validRequestId = /^[\w.:-]{1,128}$/;

export interface RequestLogPolicy {
  which: 'all' | 'problems' | 'none';
  slowSeconds: number;
}

export function createRequestLog(logger: Logger, policy: RequestLogPolicy): RequestHandler {
  const slowNs = BigInt(Math.round(policy.slowSeconds * 1e9));
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    const requestId =
      typeof given === 'string' && validRequestId.test(given) ? given : randomUUID();
    res.set('X-Request-Id', requestId);
    if (policy.which !== 'none') {
      res.on('finish', () => {
        const elapsed = process.hrtime.bigint() - started;
        const problem = res.statusCode >= 400 || elapsed >= slowNs;
        if (policy.which === 'problems' && !problem) return;
        logger.info('request', {
          request_id: requestId,
          method: req.method,
          path: req.path,
          status: res.statusCode,
          duration_ms: Math.round(Number(elapsed) / 1e4) / 100,
          remote_addr: req.ip,
        });
      });
    }
    next();
  };
}
