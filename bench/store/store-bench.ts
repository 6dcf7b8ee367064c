/**
 * `npm run bench:store`: what the store costs each request, SQLite against PostgreSQL, side by
 * side in one run. Two `npm start` processes (the compiled app, production settings), one on a
 * SQLite file and one on a throwaway PostgreSQL server on this machine (durable: fsync and
 * synchronous commit on, as a real one), take turns under wrk for three operations:
 *   login       POST /api/token/ with a right password (the scrypt hash dominates it),
 *   refresh     POST /api/token/refresh/ in chains: every answer's token is the next request's,
 *               so each request rotates and blacklists in the store (wrk-scripts/refresh.lua),
 *   /hello/     an authenticated GET (the user comes from the per-process cache, USER_CACHE_TTL).
 * BENCH_ROUNDS (3) rounds of BENCH_SECONDS (5) with BENCH_CONNECTIONS (32; 4 for logins); medians
 * printed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { systemClock, loadConfig, buildServices, provideUser } from '../../app/src/index.ts';
import { median } from '../../testing/median.ts';
import { freePort, waitForOk } from '../../tools/network.ts';
import { startThrowawayPostgres } from '../../testing/throwaway-postgres.ts';
import { send } from '../../testing/http-client.ts';
import { tempDir } from '../../testing/temp-dir.ts';
import { wrk, type WrkOptions, type WrkRun } from '../wrk.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const dir = tempDir();
const base: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  NODE_ENV: 'production',
  JWT_SIGNING_KEY: 'bench-secret-that-is-long-enough-for-hs256!',
};

interface Server {
  store: string;
  env: NodeJS.ProcessEnv;
  url: string;
  child: ChildProcess;
}

async function startServer(store: string, databaseUrl: string): Promise<Server> {
  const port = await freePort();
  const env = { ...base, DATABASE_URL: databaseUrl, PORT: String(port) };
  await provideUser(env, 'bench', 'pw');
  const child = spawn(process.execPath, ['dist/app/src/start.js'], { env, stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await waitForOk(`${url}/readyz`, 20_000);
  return { store, env, url, child };
}

/** Refresh tokens for the chains of one run, issued straight into the server's database. */
async function refreshTokens(server: Server, count: number): Promise<string> {
  const services = await buildServices(loadConfig(server.env), systemClock);
  try {
    const user = await services.store.users.findByUsername('bench');
    if (!user) throw new Error('the bench user is missing');
    const pairs = await Promise.all(
      Array.from({ length: count }, () => services.tokens.issuePair(user)),
    );
    const file = join(dir, `refresh-${server.store}.txt`);
    writeFileSync(file, `${pairs.map((pair) => pair.refresh).join('\n')}\n`);
    return file;
  } finally {
    await services.store.close();
  }
}

type Operation = 'login' | 'refresh' | '/hello/';
const operations: Operation[] = ['login', 'refresh', '/hello/'];

async function options(server: Server, operation: Operation): Promise<[string, WrkOptions]> {
  const common = { seconds, connections };
  switch (operation) {
    case 'login':
      // A login hashes for tens of milliseconds of a core: a few connections keep the cores
      // busy, more would only queue past wrk's two-second timeout.
      return [
        `${server.url}/api/token/`,
        { seconds, connections: 4, script: { name: 'login', args: ['bench', 'pw'] } },
      ];
    case 'refresh': {
      const file = await refreshTokens(server, connections * 2);
      return [
        `${server.url}/api/token/refresh/`,
        { ...common, script: { name: 'refresh', args: [file] } },
      ];
    }
    case '/hello/': {
      const login = await send('POST', `${server.url}/api/token/`, {
        json: { username: 'bench', password: 'pw' },
      });
      return [`${server.url}/hello/`, { ...common, token: String(login.json.access) }];
    }
  }
}

async function main(): Promise<void> {
  console.log('starting a PostgreSQL server (durable settings) and npm start on SQLite and on it');
  const postgres = await startThrowawayPostgres({
    settings: { fsync: 'on', synchronous_commit: 'on', full_page_writes: 'on' },
  });
  const servers: Server[] = [];
  try {
    servers.push(await startServer('SQLite', `sqlite:${join(dir, 'bench.sqlite3')}`));
    servers.push(await startServer('PostgreSQL', await postgres.createDatabase('bench')));
    const runs = new Map<string, WrkRun[]>();
    for (let round = 1; round <= rounds; round += 1) {
      for (const operation of operations) {
        for (const server of servers) {
          const [url, wrkOptions] = await options(server, operation);
          await sleep(300);
          const result = wrk(url, wrkOptions);
          if (result.failures > 0) {
            throw new Error(`${server.store} ${operation}: ${result.failures} failed requests`);
          }
          const key = `${operation} ${server.store}`;
          runs.set(key, [...(runs.get(key) ?? []), result]);
          console.log(
            `round ${round}/${rounds}  ${operation.padEnd(8)} ${server.store.padEnd(11)} ${Math.round(result.rps)} req/s`,
          );
        }
      }
    }
    report(runs);
  } finally {
    for (const server of servers) server.child.kill('SIGTERM');
    await sleep(500);
    await postgres.remove();
  }
}

function report(runs: Map<string, WrkRun[]>): void {
  const of = (operation: Operation, store: string) => {
    const results = runs.get(`${operation} ${store}`) ?? [];
    return {
      rps: median(results.map((r) => r.rps)),
      p99: median(results.map((r) => r.p99Ms)),
    };
  };
  console.log(
    `\nwrk 1 thread, ${connections} connections (logins 4), ${seconds} s, median of ${rounds} rounds; npm start, 1 process each\n`,
  );
  console.log(
    `${'operation'.padEnd(10)}${'SQLite req/s'.padStart(14)}${'p99 ms'.padStart(9)}${'PostgreSQL req/s'.padStart(18)}${'p99 ms'.padStart(9)}${'PG ÷ SQLite'.padStart(13)}`,
  );
  for (const operation of operations) {
    const sqlite = of(operation, 'SQLite');
    const postgres = of(operation, 'PostgreSQL');
    console.log(
      `${operation.padEnd(10)}${Math.round(sqlite.rps).toString().padStart(14)}${sqlite.p99.toFixed(2).padStart(9)}${Math.round(postgres.rps).toString().padStart(18)}${postgres.p99.toFixed(2).padStart(9)}${`${(postgres.rps / sqlite.rps).toFixed(2)}x`.padStart(13)}`,
    );
  }
}

await main();
