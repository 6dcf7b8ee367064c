/**
 * One log line per request, with the request id nginx sends (X-Request-Id) or a new one, which is
 * echoed back. Only the method, path, status, time and client address are logged: never headers
 * or bodies, which carry passwords and tokens.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../../logging/logger.ts';

const validRequestId = /^[\w.:-]{1,128}$/;

export function createRequestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const given = req.headers['x-request-id'];
    const requestId =
      typeof given === 'string' && validRequestId.test(given) ? given : randomUUID();
    res.set('X-Request-Id', requestId);
    res.on('finish', () => {
      logger.info('request', {
        request_id: requestId,
        method: req.method,
        path: req.path,
        status: res.statusCode,
        duration_ms: Math.round(Number(process.hrtime.bigint() - started) / 1e4) / 100,
        remote_addr: req.ip,
      });
    });
    next();
  };
}
