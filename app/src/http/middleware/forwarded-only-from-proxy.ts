/**
 * Which address a failed login counts against comes from X-Forwarded-For, and Express's `trust
 * proxy` believes that header from any peer at a trusted address: on one host, every local
 * process is at 127.0.0.1 and could name any address it likes. With PROXY_SECRET, the
 * X-Forwarded-* headers count only on a request that carries the secret in X-Proxy-Secret, which
 * the stack's nginx adds; from any other request they are removed before anything reads them.
 * The secret itself is removed from every request, so no log or handler ever sees it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function forwardedOnlyFromProxy(secret: string): RequestHandler {
  const expected = digest(secret);
  return (req, _res, next) => {
    const given = req.headers['x-proxy-secret'];
    delete req.headers['x-proxy-secret'];
    // Digests of equal length: the comparison takes the same time whatever was sent.
    const fromProxy = typeof given === 'string' && timingSafeEqual(digest(given), expected);
    if (!fromProxy) {
      delete req.headers['x-forwarded-for'];
      delete req.headers['x-forwarded-proto'];
      delete req.headers['x-forwarded-host'];
    }
    next();
  };
}
