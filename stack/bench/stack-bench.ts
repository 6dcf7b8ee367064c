/**
 * `npm run bench:stack`: where the time of an authenticated GET /hello/ goes, from the plain
 * `node:http` ceiling to the production stack, measured side by side on this machine:
 *   plain node:http doing the same work (1 process, and a node:cluster of the stack's size),
 *   the dev server, `npm start` (/hello/ and /healthz), the pm2 cluster directly and through
 *   nginx, and with BENCH_TARGET_URL (BENCH_TARGET_USER, BENCH_TARGET_PASSWORD) a deployed stack.
 * Rounds take the targets in turn (BENCH_ROUNDS, default 3, of BENCH_SECONDS, default 5, with
 * BENCH_CONNECTIONS keep-alive connections, default 32); it prints medians, the ratios the
 * request path is held to, and each pm2 worker's memory. The load generator is wrk (wrk.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, waitForOk } from '../../tools/network.ts';
import { send } from '../../tools/testing/http-client.ts';
import { tempDir } from '../../tools/testing/temp-dir.ts';
import { provideUser, runStackCommand, startDevServer } from '../local-servers.ts';
import { stackOnFreePorts } from '../stack-on-free-ports.ts';
import { wrk } from './wrk.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const workers = availableParallelism();
const secret = 'bench-secret-that-is-long-enough-for-hs256!';
const dir = tempDir();
const env: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DATABASE_URL: `sqlite:${join(dir, 'app.sqlite3')}`,
  JWT_SIGNING_KEY: secret,
};
const children: ChildProcess[] = [];

interface Target {
  name: string;
  url: string;
  token?: string;
}

function startProcess(args: string[], extra: NodeJS.ProcessEnv): void {
  const child = spawn(process.execPath, args, {
    env: { ...env, ...extra },
    stdio: 'ignore',
    detached: true,
  });
  children.push(child);
}

async function logIn(url: string, username: string, password: string): Promise<string> {
  const reply = await send('POST', `${url}/api/token/`, { json: { username, password } });
  if (reply.status !== 200)
    throw new Error(`${url}: login answered ${reply.status}: ${reply.text}`);
  return String(reply.json.access);
}

/** The stack at BENCH_TARGET_URL, when given: it has users and keys of its own. */
async function deployedTarget(): Promise<Target[]> {
  const url = process.env.BENCH_TARGET_URL?.replace(/\/$/, '');
  if (!url) return [];
  const { BENCH_TARGET_USER: user, BENCH_TARGET_PASSWORD: password } = process.env;
  if (!user || !password) {
    throw new Error('BENCH_TARGET_URL needs BENCH_TARGET_USER and BENCH_TARGET_PASSWORD');
  }
  await waitForOk(`${url}/readyz`, 20_000);
  return [
    {
      name: 'BENCH_TARGET_URL /hello/',
      url: `${url}/hello/`,
      token: await logIn(url, user, password),
    },
  ];
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function measure(targets: Target[]) {
  const results = new Map(
    targets.map((t) => [t.name, { rps: [] as number[], p50: [] as number[], p99: [] as number[] }]),
  );
  for (const target of targets) wrk(target.url, { seconds: 1, connections, ...target }); // warm-up
  for (let round = 1; round <= rounds; round += 1) {
    for (const target of targets) {
      const run = wrk(target.url, { seconds, connections, ...target });
      if (run.failures > 0) throw new Error(`${target.name}: ${run.failures} failed requests`);
      const r = results.get(target.name);
      r?.rps.push(run.rps);
      r?.p50.push(run.p50Ms);
      r?.p99.push(run.p99Ms);
      console.log(
        `round ${round}/${rounds}  ${target.name.padEnd(30)} ${Math.round(run.rps)} req/s`,
      );
      await sleep(300);
    }
  }
  return new Map(
    [...results].map(([name, r]) => [
      name,
      { rps: median(r.rps), p50: median(r.p50), p99: median(r.p99) },
    ]),
  );
}

async function main(): Promise<void> {
  await provideUser({ ...env, PASSWORD_SCRYPT_LOG_N: '10' }, 'bench', 'pw');
  const stack = await stackOnFreePorts(
    join(dir, 'stack'),
    { ...env, NGINX_LOGIN_RATE: '1000r/s' },
    workers,
  );
  const [devPort, singlePort, plainPort, plainClusterPort] = await Promise.all(
    Array.from({ length: 4 }, () => freePort()),
  );
  console.log('starting the plain node:http ceilings, the dev server, npm start and the stack');
  await runStackCommand('up', stack.env);
  const dev = await startDevServer(Number(devPort), env);
  try {
    startProcess(['dist/start.js'], {
      NODE_ENV: 'production',
      PORT: String(singlePort),
      LOG_LEVEL: 'info',
    });
    startProcess(['stack/bench/plain-node-server.ts', String(plainPort)], { BENCH_SECRET: secret });
    startProcess(['stack/bench/plain-node-server.ts', String(plainClusterPort), String(workers)], {
      BENCH_SECRET: secret,
    });
    const at = (port: number | undefined) => `http://127.0.0.1:${String(port)}`;
    for (const port of [singlePort, devPort]) await waitForOk(`${at(port)}/readyz`, 20_000);
    await sleep(500);
    // One database and one key behind every target: one token serves them all.
    const token = await logIn(dev.url, 'bench', 'pw');
    const appPort = Number(stack.env.APP_PORT);
    const targets: Target[] = [
      { name: 'plain node:http, 1 process', url: `${at(plainPort)}/hello/`, token },
      { name: `plain node:cluster, ${workers}`, url: `${at(plainClusterPort)}/hello/`, token },
      { name: 'npm run dev /hello/', url: `${dev.url}/hello/`, token },
      { name: 'npm start /hello/', url: `${at(singlePort)}/hello/`, token },
      { name: 'npm start /healthz', url: `${at(singlePort)}/healthz` },
      { name: `pm2 cluster ${workers}, direct`, url: `${at(appPort)}/hello/`, token },
      { name: `pm2 cluster ${workers} + nginx`, url: `${stack.url}/hello/`, token },
      ...(await deployedTarget()),
    ];
    const results = await measure(targets);
    report(targets, results);
    // pm2-cluster.ts finds the stack's pm2 through STACK_STATE_DIR, read when it loads.
    process.env.STACK_STATE_DIR = stack.env.STACK_STATE_DIR;
    const { listWorkers } = await import('../pm2-cluster.ts');
    console.log(
      `\nmemory per pm2 worker: ${listWorkers()
        .map((w) => `${Math.round(w.memoryBytes / 1024 / 1024)} MB`)
        .join(', ')}`,
    );
  } finally {
    await dev.stop();
    await runStackCommand('down', stack.env);
    for (const child of children)
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  }
}

function report(
  targets: Target[],
  results: Map<string, { rps: number; p50: number; p99: number }>,
) {
  console.log(
    `\nnode ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}); wrk 1 thread, ${connections} connections, ${seconds} s, median of ${rounds} rounds\n`,
  );
  console.log(
    `${'target'.padEnd(32)}${'req/s'.padStart(8)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}`,
  );
  for (const { name } of targets) {
    const r = results.get(name);
    if (!r) continue;
    console.log(
      `${name.padEnd(32)}${String(Math.round(r.rps)).padStart(8)}${r.p50.toFixed(2).padStart(9)}${r.p99.toFixed(2).padStart(9)}`,
    );
  }
  const rps = (name: string) => results.get(name)?.rps ?? NaN;
  const ratios: [string, number, number][] = [
    [
      'npm start /hello/ ÷ plain node:http',
      rps('npm start /hello/') / rps('plain node:http, 1 process'),
      0.5,
    ],
    ['npm start /hello/ ÷ /healthz', rps('npm start /hello/') / rps('npm start /healthz'), 0.9],
    [
      'pm2 + nginx ÷ pm2 direct',
      rps(`pm2 cluster ${workers} + nginx`) / rps(`pm2 cluster ${workers}, direct`),
      0.9,
    ],
    [
      'pm2 + nginx ÷ plain node:cluster',
      rps(`pm2 cluster ${workers} + nginx`) / rps(`plain node:cluster, ${workers}`),
      0.5,
    ],
  ];
  console.log('\nratio                                    measured   goal');
  for (const [name, value, goal] of ratios) {
    console.log(`${name.padEnd(40)}${value.toFixed(2).padStart(8)}x ${`≥ ${goal}x`.padStart(7)}`);
  }
}

await main();
