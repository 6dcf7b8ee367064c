/**
 * `npm run bench:jwt`: sign and verify operations per second for every algorithm (KeyObject path),
 * jsonwebtoken's string-secret path beside it for HS256, and the share of a `/hello/` request's
 * server CPU time that verification costs. Figures, not a test: medians of several rounds, run
 * side by side on one machine.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import jwt from 'jsonwebtoken';
import { loadConfig } from '../src/config/load-config.ts';
import { algorithms, type JwtAlgorithm } from '../src/config/settings.ts';
import { openStore } from '../src/store/open-store.ts';
import { createJwtCodec } from '../src/tokens/jwt-codec.ts';
import { buildKeyRing, ecCurves } from '../src/tokens/key-ring.ts';
import { tokenClaims } from '../src/tokens/token-claims.ts';
import { forkServer } from '../test/support/fork-server.ts';
import { testEnv } from '../test/support/test-server.ts';
import { tempDir } from '../../testing/temp-dir.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const roundMs = Number(process.env.BENCH_ROUND_MS ?? 300);
const secret = 'bench-secret-'.padEnd(64, 'x');

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** Operations per second of `work`, the median of `rounds` timed rounds. */
function opsPerSecond(work: () => void): number {
  for (let i = 0; i < 200; i += 1) work(); // warm-up
  const results: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    let count = 0;
    const started = performance.now();
    let elapsed = 0;
    while (elapsed < roundMs) {
      for (let i = 0; i < 50; i += 1) work();
      count += 50;
      elapsed = performance.now() - started;
    }
    results.push((count * 1000) / elapsed);
  }
  return median(results);
}

function signingKeyFor(algorithm: JwtAlgorithm): string {
  if (algorithm.startsWith('HS')) return secret;
  const pair = algorithm.startsWith('ES')
    ? generateKeyPairSync('ec', { namedCurve: ecCurves[algorithm] ?? '' })
    : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function codecFor(algorithm: JwtAlgorithm) {
  const config = loadConfig({
    JWT_ALGORITHM: algorithm,
    JWT_SIGNING_KEY: signingKeyFor(algorithm),
  });
  return createJwtCodec(buildKeyRing(config), {
    audience: undefined,
    issuer: undefined,
    leewaySeconds: 0,
  });
}

const now = () => Math.floor(Date.now() / 1000);
const format = (n: number) => Math.round(n).toLocaleString('en-US').padStart(10);

function benchAlgorithms(): Map<JwtAlgorithm, number> {
  const verifyRates = new Map<JwtAlgorithm, number>();
  console.log('algorithm    sign/s   verify/s   (KeyObject keys, built once)');
  for (const algorithm of algorithms) {
    const codec = codecFor(algorithm);
    const token = codec.encode(tokenClaims('access', 1, now(), 300));
    const sign = opsPerSecond(() => codec.encode(tokenClaims('access', 1, now(), 300)));
    const verify = opsPerSecond(() => codec.decode(token, now()));
    verifyRates.set(algorithm, verify);
    console.log(`${algorithm.padEnd(8)}${format(sign)} ${format(verify)}`);
  }
  return verifyRates;
}

function benchStringSecret(keyObjectRate: number): void {
  const token = jwt.sign(tokenClaims('access', 1, now(), 300), secret, { algorithm: 'HS256' });
  const stringRate = opsPerSecond(() => jwt.verify(token, secret, { algorithms: ['HS256'] }));
  console.log(
    `\nHS256 verify with a string secret: ${format(stringRate).trim()}/s; with a KeyObject: ${format(keyObjectRate).trim()}/s (${(keyObjectRate / stringRate).toFixed(1)}x)`,
  );
}

/** user+system CPU seconds of a process, from /proc (Linux). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks / Number(execFileSync('getconf', ['CLK_TCK']).toString());
}

async function loadHello(
  url: string,
  token: string,
  seconds: number,
  concurrency: number,
): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        `${url}/hello/`,
        { agent, headers: { authorization: `Bearer ${token}` } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode !== 200) reject(new Error(`status ${String(res.statusCode)}`));
            else resolve();
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await one();
        done += 1;
      }
    }),
  );
  agent.destroy();
  return done;
}

async function benchHelloShare(hs256VerifyRate: number): Promise<void> {
  const env = testEnv(tempDir(), {
    JWT_SIGNING_KEY: secret,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  });
  env.LOG_LEVEL = 'info';
  const server = await forkServer('app/src/start.ts', env);
  env.LOG_LEVEL = 'warn';
  const codec = createJwtCodec(buildKeyRing(loadConfig(env)), {
    audience: undefined,
    issuer: undefined,
    leewaySeconds: 0,
  });
  const store = await openStore(String(env.DATABASE_URL), now());
  const user = await store.users.create('bench', 'unused', now());
  await store.close();
  const token = codec.encode(tokenClaims('access', user.id, now(), 3600));

  await loadHello(server.url, token, 1, 8); // warm-up
  const shares: number[] = [];
  const rates: number[] = [];
  for (let round = 0; round < 3; round += 1) {
    const cpuBefore = cpuSeconds(server.child.pid ?? 0);
    const started = performance.now();
    const requests = await loadHello(server.url, token, 2, 8);
    const elapsed = (performance.now() - started) / 1000;
    const cpuPerRequest = (cpuSeconds(server.child.pid ?? 0) - cpuBefore) / requests;
    rates.push(requests / elapsed);
    shares.push(1 / hs256VerifyRate / cpuPerRequest);
  }
  server.child.kill('SIGTERM');
  await server.exited;
  console.log(
    `\nGET /hello/ (HS256, single process, 8 keep-alive clients in this process): ${format(median(rates)).trim()} req/s;` +
      `\nverification is ${(median(shares) * 100).toFixed(1)}% of the server's CPU time per request (median of 3 rounds)`,
  );
}

console.log(
  `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${rounds} rounds of ${roundMs} ms\n`,
);
const verifyRates = benchAlgorithms();
benchStringSecret(verifyRates.get('HS256') ?? 0);
await benchHelloShare(verifyRates.get('HS256') ?? 0);
