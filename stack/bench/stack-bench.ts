/**
 * `npm run bench:stack`: authenticated GET /hello/ throughput and p99 latency of
 *   (a) the dev server (`npm run dev`), (b) the compiled app as one process (`npm start`),
 *   (c) the pm2 cluster directly, (d) the pm2 cluster through nginx, and with BENCH_TARGET_URL
 *   (e) a stack deployed elsewhere, the containers say, logged in as BENCH_TARGET_USER with
 *   BENCH_TARGET_PASSWORD,
 * measured side by side: rounds take the targets in turn, and the medians are reported.
 * The load generator (autocannon) runs on the same machine and shares its cores.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { tempDir } from '../../tools/testing/temp-dir.ts';
import { provideUser, runStackCommand, startDevServer } from '../local-servers.ts';
import { freePort, waitForOk } from '../../tools/network.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);

const dir = tempDir();
const secret = 'bench-secret-that-is-long-enough-for-hs256!';
const baseEnv: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  DATABASE_URL: `sqlite:${join(dir, 'app.sqlite3')}`,
  JWT_SIGNING_KEY: secret,
  LOG_LEVEL: 'info',
};
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const children: ChildProcess[] = [];

function startProcess(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, {
    env: { ...baseEnv, ...env },
    stdio: 'ignore',
    detached: true,
  });
  children.push(child);
  return child;
}

async function logIn(url: string, username: string, password: string): Promise<string> {
  const reply = await fetch(`${url}/api/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (reply.status !== 200)
    throw new Error(`${url}: login answered ${reply.status}: ${await reply.text()}`);
  return ((await reply.json()) as { access: string }).access;
}

/** The stack at BENCH_TARGET_URL, when given: it has users and keys of its own. */
async function deployedTarget() {
  const url = process.env.BENCH_TARGET_URL?.replace(/\/$/, '');
  if (!url) return [];
  const { BENCH_TARGET_USER: user, BENCH_TARGET_PASSWORD: password } = process.env;
  if (!user || !password) {
    throw new Error(
      'BENCH_TARGET_URL needs BENCH_TARGET_USER and BENCH_TARGET_PASSWORD, a user of that stack',
    );
  }
  await waitForOk(`${url}/readyz`, 20_000);
  return [{ name: '(e) BENCH_TARGET_URL', url, token: await logIn(url, user, password) }];
}

async function measure(url: string, token: string) {
  const result = await autocannon({
    url: `${url}/hello/`,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${token}` },
  });
  const failures = result.non2xx + result.errors + result.timeouts;
  if (failures > 0) throw new Error(`${url}: ${failures} failed requests`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

async function main(): Promise<void> {
  await provideUser({ ...baseEnv, PASSWORD_SCRYPT_LOG_N: '10' }, 'bench', 'pw');

  const [devPort, singlePort, appPort, nginxPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  Object.assign(stackEnv, {
    APP_PORT: String(appPort),
    NGINX_PORT: String(nginxPort),
    METRICS_PORT: String(await freePort()),
  });
  console.log('starting the dev server, the single process and the pm2 + nginx stack');
  await runStackCommand('up', { ...baseEnv, ...stackEnv });
  devServer = await startDevServer(devPort, baseEnv);
  startProcess(['dist/start.js'], { NODE_ENV: 'production', PORT: String(singlePort) });

  const local = [
    { name: '(a) npm run dev', url: `http://127.0.0.1:${devPort}` },
    { name: '(b) npm start, 1 process', url: `http://127.0.0.1:${singlePort}` },
    { name: '(c) pm2 cluster, direct', url: `http://127.0.0.1:${appPort}` },
    { name: '(d) pm2 cluster + nginx', url: `http://127.0.0.1:${nginxPort}` },
  ];
  for (const target of local) await waitForOk(`${target.url}/readyz`, 20_000);
  // One database and one key behind every local target: a token from one works on all.
  const access = await logIn(local[0]?.url ?? '', 'bench', 'pw');
  const targets = [
    ...local.map((target) => ({ ...target, token: access })),
    ...(await deployedTarget()),
  ];

  const results = new Map(
    targets.map((t) => [t.name, { rps: [] as number[], p99: [] as number[] }]),
  );
  for (const target of targets) await measure(target.url, target.token).catch(() => undefined); // warm-up
  for (let round = 1; round <= rounds; round += 1) {
    for (const target of targets) {
      process.stdout.write(`round ${round}/${rounds}: ${target.name} … `);
      const { rps, p99 } = await measure(target.url, target.token);
      results.get(target.name)?.rps.push(rps);
      results.get(target.name)?.p99.push(p99);
      console.log(`${Math.round(rps)} req/s, p99 ${p99} ms`);
      await sleep(500);
    }
  }

  const devRps = median(results.get(targets[0]?.name ?? '')?.rps ?? []);
  console.log(
    `\nnode ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), pm2 instances: one per CPU`,
  );
  console.log(
    `autocannon: ${connections} connections, ${seconds} s per run, median of ${rounds} rounds\n`,
  );
  console.log('target                       req/s   p99 ms   vs dev');
  for (const target of targets) {
    const r = results.get(target.name) ?? { rps: [], p99: [] };
    const rps = median(r.rps);
    console.log(
      `${target.name.padEnd(26)}${String(Math.round(rps)).padStart(8)}${String(median(r.p99)).padStart(9)}${(rps / devRps).toFixed(2).padStart(8)}x`,
    );
  }
}

const stackEnv: NodeJS.ProcessEnv = {
  STACK_STATE_DIR: join(dir, 'stack'),
  NGINX_LOGIN_RATE: '1000r/s',
};
let devServer: Awaited<ReturnType<typeof startDevServer>> | undefined;
try {
  await main();
} finally {
  await devServer?.stop();
  await runStackCommand('down', { ...baseEnv, ...stackEnv });
  for (const child of children)
    if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
}
