/**
 * `npm run bench:stack`: where the time of an authenticated GET /hello/ goes, from the plain
 * `node:http` ceiling to the production stack, measured side by side on this machine:
 *   plain node:http doing the same work (1 process, and a node:cluster of the stack's size),
 *   the dev server, `npm start` (/hello/ and /healthz), the pm2 cluster directly and through
 *   nginx, the real Django + DRF + simplejwt under gunicorn (sync workers, as many), and with
 *   BENCH_TARGET_URL (BENCH_TARGET_USER, BENCH_TARGET_PASSWORD) a deployed stack.
 * Rounds take the targets in turn (BENCH_ROUNDS, default 3, of BENCH_SECONDS, default 5, with
 * BENCH_CONNECTIONS keep-alive connections, default 32); it prints medians, the ratios the
 * request path is held to, what each part spent of the CPU per request (process-cpu.ts) and
 * each pm2 worker's memory. The load generator is wrk (wrk.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { provideUser } from '../../app/src/index.ts';
import { startDjangoReference } from '../../testing/django-reference/django-reference.ts';
import { median } from '../../testing/median.ts';
import { freePort, waitForOk } from '../../tools/network.ts';
import { send } from '../../testing/http-client.ts';
import { tempDir } from '../../testing/temp-dir.ts';
import { runStackCommand, startDevServer } from '../../stack/local-servers.ts';
import { stackOnFreePorts } from '../../stack/stack-on-free-ports.ts';
import {
  groupCpuSeconds,
  processGroupOf,
  waitedChildrenCpuSeconds,
} from '../../tools/process-cpu.ts';
import { wrk } from '../wrk.ts';

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
const plainName = 'plain node:http, 1 process';
const plainClusterName = `plain node:cluster, ${workers}`;
const startName = 'npm start /hello/';
const healthzName = 'npm start /healthz';
const directName = `pm2 cluster ${workers}, direct`;
const nginxName = `pm2 cluster ${workers} + nginx`;
const djangoName = `Django + simplejwt, gunicorn ${workers}`;

interface Target {
  name: string;
  url: string;
  token?: string;
  /** Process groups of the servers that answer, and of the nginx in front of them, if any. */
  servers?: number[];
  nginx?: number[];
}

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  /** CPU microseconds per request. */
  serverCpu: number;
  nginxCpu: number;
  wrkCpu: number;
}

/** A process group of its own, whose CPU time is then the server's. */
function startProcess(args: string[], extra: NodeJS.ProcessEnv): number {
  const child = spawn(process.execPath, args, {
    env: { ...env, ...extra },
    stdio: 'ignore',
    detached: true,
  });
  children.push(child);
  if (child.pid === undefined) throw new Error(`could not start ${args.join(' ')}`);
  return child.pid;
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

/** One wrk run against the target, with the CPU its parts spent meanwhile. */
function run(target: Target): Measured {
  const cpu = () => ({
    server: groupCpuSeconds(target.servers ?? []),
    nginx: groupCpuSeconds(target.nginx ?? []),
    wrk: waitedChildrenCpuSeconds(),
  });
  const before = cpu();
  const result = wrk(target.url, { seconds, connections, ...target });
  const after = cpu();
  if (result.failures > 0) throw new Error(`${target.name}: ${result.failures} failed requests`);
  const perRequest = (spent: number) => (spent * 1e6) / (result.rps * seconds);
  return {
    rps: result.rps,
    p50: result.p50Ms,
    p99: result.p99Ms,
    serverCpu: target.servers ? perRequest(after.server - before.server) : NaN,
    nginxCpu: target.nginx ? perRequest(after.nginx - before.nginx) : NaN,
    wrkCpu: perRequest(after.wrk - before.wrk),
  };
}

async function measure(targets: Target[]): Promise<Map<string, Measured>> {
  const runs = new Map(targets.map((t) => [t.name, [] as Measured[]]));
  for (const target of targets) wrk(target.url, { seconds: 1, connections, ...target }); // warm-up
  for (let round = 1; round <= rounds; round += 1) {
    for (const target of targets) {
      const result = run(target);
      runs.get(target.name)?.push(result);
      console.log(
        `round ${round}/${rounds}  ${target.name.padEnd(30)} ${Math.round(result.rps)} req/s`,
      );
      await sleep(300);
    }
  }
  const medianOf = (measured: Measured[], key: keyof Measured) =>
    median(measured.map((m) => m[key]));
  return new Map(
    [...runs].map(([name, measured]) => [
      name,
      {
        rps: medianOf(measured, 'rps'),
        p50: medianOf(measured, 'p50'),
        p99: medianOf(measured, 'p99'),
        serverCpu: medianOf(measured, 'serverCpu'),
        nginxCpu: medianOf(measured, 'nginxCpu'),
        wrkCpu: medianOf(measured, 'wrkCpu'),
      },
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
  // pm2-cluster.ts and stack-paths.ts find the stack through STACK_STATE_DIR, read when they load.
  process.env.STACK_STATE_DIR = stack.env.STACK_STATE_DIR;
  const { listWorkers, pm2DaemonPid } = await import('../../stack/pm2-cluster.ts');
  const { stackPaths } = await import('../../stack/stack-paths.ts');
  const dev = await startDevServer(Number(devPort), env);
  const django = await startDjangoReference({
    secretKey: secret,
    database: join(dir, 'django.sqlite3'),
    workers,
  });
  try {
    django.createUser('bench', 'pw');
    const single = startProcess(['dist/app/src/start.js'], {
      NODE_ENV: 'production',
      PORT: String(singlePort),
      LOG_LEVEL: 'info',
    });
    const plain = startProcess(['bench/throughput/plain-node-server.ts', String(plainPort)], {
      BENCH_SECRET: secret,
    });
    const plainCluster = startProcess(
      ['bench/throughput/plain-node-server.ts', String(plainClusterPort), String(workers)],
      { BENCH_SECRET: secret },
    );
    const pm2Group = processGroupOf(pm2DaemonPid() ?? NaN);
    const nginxGroup = processGroupOf(Number(readFileSync(stackPaths.nginx.pidFile, 'utf8')));
    const at = (port: number | undefined) => `http://127.0.0.1:${String(port)}`;
    for (const port of [singlePort, devPort]) await waitForOk(`${at(port)}/readyz`, 20_000);
    await sleep(500);
    // One database and one key behind every target: one token serves them all.
    const token = await logIn(dev.url, 'bench', 'pw');
    const appPort = Number(stack.env.APP_PORT);
    const pm2 = [pm2Group];
    const targets: Target[] = [
      { name: plainName, url: `${at(plainPort)}/hello/`, token, servers: [plain] },
      {
        name: plainClusterName,
        url: `${at(plainClusterPort)}/hello/`,
        token,
        servers: [plainCluster],
      },
      { name: 'npm run dev /hello/', url: `${dev.url}/hello/`, token, servers: [dev.pid] },
      { name: startName, url: `${at(singlePort)}/hello/`, token, servers: [single] },
      { name: healthzName, url: `${at(singlePort)}/healthz`, servers: [single] },
      { name: directName, url: `${at(appPort)}/hello/`, token, servers: pm2 },
      { name: nginxName, url: `${stack.url}/hello/`, token, servers: pm2, nginx: [nginxGroup] },
      {
        name: djangoName,
        url: `${django.url}/hello/`,
        token: await logIn(django.url, 'bench', 'pw'),
        servers: [django.pid],
      },
      ...(await deployedTarget()),
    ];
    const results = await measure(targets);
    report(targets, results);
    console.log(
      `\nmemory per pm2 worker: ${listWorkers()
        .map((w) => `${Math.round(w.memoryBytes / 1024 / 1024)} MB`)
        .join(', ')}`,
    );
  } finally {
    await django.stop();
    await dev.stop();
    await runStackCommand('down', stack.env);
    for (const child of children)
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
  }
}

const us = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(1));

function report(targets: Target[], results: Map<string, Measured>) {
  console.log(
    `\nnode ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}); wrk 1 thread, ${connections} connections, ${seconds} s, median of ${rounds} rounds\n`,
  );
  const columns: [string, number][] = [
    ['target', 32],
    ['req/s', 8],
    ['p50 ms', 9],
    ['p99 ms', 9],
    ['CPU µs/request: server', 24],
    ['nginx', 7],
    ['wrk', 7],
  ];
  const row = (cells: string[]) =>
    cells
      .map((cell, i) => {
        const width = columns[i]?.[1] ?? 8;
        return i === 0 ? cell.padEnd(width) : cell.padStart(width);
      })
      .join('');
  console.log(row(columns.map(([title]) => title)));
  for (const { name } of targets) {
    const r = results.get(name);
    if (!r) continue;
    console.log(
      row([
        name,
        String(Math.round(r.rps)),
        r.p50.toFixed(2),
        r.p99.toFixed(2),
        us(r.serverCpu),
        us(r.nginxCpu),
        us(r.wrkCpu),
      ]),
    );
  }
  const rps = (name: string) => results.get(name)?.rps ?? NaN;
  const ratios: [string, number, number][] = [
    ['npm start /hello/ ÷ plain node:http', rps(startName) / rps(plainName), 0.5],
    ['npm start /hello/ ÷ /healthz', rps(startName) / rps(healthzName), 0.9],
    ['pm2 + nginx ÷ pm2 direct', rps(nginxName) / rps(directName), 0.9],
    ['pm2 + nginx ÷ plain node:cluster', rps(nginxName) / rps(plainClusterName), 0.5],
    ['pm2 + nginx ÷ Django + simplejwt', rps(nginxName) / rps(djangoName), 8],
  ];
  console.log('\nratio                                    measured   goal');
  for (const [name, value, goal] of ratios) {
    console.log(`${name.padEnd(40)}${value.toFixed(2).padStart(8)}x ${`≥ ${goal}x`.padStart(7)}`);
  }
  reportNginxCeiling(results.get(directName), results.get(nginxName));
}

/**
 * Where every process shares the same cores, requests per second are the cores over the CPU
 * each request costs, so nginx's share of that cost bounds what it can keep of the workers' rate.
 */
function reportNginxCeiling(direct: Measured | undefined, proxied: Measured | undefined) {
  if (!direct || !proxied) return;
  const directCost = direct.serverCpu + direct.wrkCpu;
  const ceiling = directCost / (directCost + proxied.nginxCpu);
  console.log(
    `\nnginx spends ${us(proxied.nginxCpu)} µs of CPU per request, the workers ${us(direct.serverCpu)} µs ` +
      `and wrk ${us(direct.wrkCpu)} µs when hit directly: on cores all three share, ` +
      `pm2 + nginx ÷ pm2 direct can reach at most about ${ceiling.toFixed(2)}x.`,
  );
}

await main();
