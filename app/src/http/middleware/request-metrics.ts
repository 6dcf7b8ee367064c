/**
 * Counts each answered request by its route pattern (`/api/token/`), never its raw path, so a
 * client sending random paths cannot grow the metrics: whatever no route matched is `unmatched`.
 */
import type { RequestHandler } from 'express';
import type { AppMetrics } from '../../metrics/app-metrics.ts';

export function createRequestMetrics(metrics: AppMetrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const pattern = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof pattern === 'string' ? `${req.baseUrl}${pattern}` : 'unmatched';
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.observeRequest(req.method, route, res.statusCode, seconds);
    });
    next();
  };
}
