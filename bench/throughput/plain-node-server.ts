/**
 * The ceiling the bench measures the app against: plain `node:http` doing the same work as an
 * authenticated GET /hello/ (an HS256 signature checked with a KeyObject, the claims checked, a
 * JSON answer) and nothing else: no framework, no store, no logs, no metrics.
 *   BENCH_SECRET=... node bench/throughput/plain-node-server.ts <port> [workers]
 * With workers > 1 it is a `node:cluster` of that size, the shape of the pm2 cluster.
 */
import cluster from 'node:cluster';
import { createHmac, createSecretKey, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const [port = '0', workers = '1'] = process.argv.slice(2);
const key = createSecretKey(Buffer.from(process.env.BENCH_SECRET ?? ''));
const hello = JSON.stringify({ message: 'Hello, World!' });
const refused = JSON.stringify({ detail: 'Given token not valid for any token type' });

function validAccess(header: string | undefined): boolean {
  const token = header?.startsWith('Bearer ') ? header.slice(7) : '';
  const [head = '', body = '', signature = ''] = token.split('.');
  const expected = createHmac('sha256', key).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as Record<string, unknown>;
  return claims.token_type === 'access' && Number(claims.exp) > Date.now() / 1000;
}

if (cluster.isPrimary && Number(workers) > 1) {
  for (let i = 0; i < Number(workers); i += 1) cluster.fork();
} else {
  createServer((req, res) => {
    const ok = validAccess(req.headers.authorization);
    res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
    res.end(ok ? hello : refused);
  }).listen(Number(port), '127.0.0.1');
}
