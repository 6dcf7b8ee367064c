/**
 * The two servers a default run compares, started on free ports with databases of their own
 * under var/loadtest: the dev server, and the production stack (pm2 cluster behind nginx).
 * Each gets a `loadtest` user with a new random password, and the controls the experiments use:
 * deploy a new version the way that target is deployed, and kill a serving process.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { provideUser } from '../../app/src/index.ts';
import { runStackCommand, startDevServer } from '../../stack/local-servers.ts';
import { stackOnFreePorts } from '../../stack/stack-on-free-ports.ts';
import { freePort } from '../../tools/network.ts';
import { childrenOf } from '../../tools/process-cpu.ts';
import { projectRoot } from '../../tools/project-root.ts';
import { appProcesses } from './target-processes.ts';

export interface TargetControls {
  /** A new version, deployed as this target is: what the experiment's chart calls it. */
  deployment: string;
  deploy(): Promise<void>;
  /** One serving process killed with SIGKILL, as an out-of-memory kill would. */
  crash: string;
  kill(): Promise<void>;
}

export interface LocalTargets {
  urls: { dev: string; prod: string };
  credentials: { username: string; password: string };
  controls: { dev: TargetControls; prod: TargetControls };
  /** Each target's root processes, whose trees are the target: for its CPU, and for taskset. */
  processes: { dev: () => number[]; prod: () => number[] };
  /** The stack again with nginx's own login and refresh limits, which the load runs lift. */
  restoreStackLimits(): Promise<void>;
  stop(): Promise<void>;
}

const readdirSafe = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

/** Saving a source file unchanged: the dev server's watch mode restarts it as on any edit. */
function touchSource(): void {
  const file = join(projectRoot, 'app', 'src', 'start.ts');
  writeFileSync(file, readFileSync(file));
}

function killFirst(pids: number[], what: string): void {
  const pid = pids[0];
  if (pid === undefined) throw new Error(`no ${what} is running to kill`);
  process.kill(pid, 'SIGKILL');
}

/** LOADTEST_STATE_DIR moves the databases and the stack's state (the tests keep theirs apart). */
export const stateDir = process.env.LOADTEST_STATE_DIR ?? join(projectRoot, 'var', 'loadtest');

export async function startLocalTargets(say: (line: string) => void): Promise<LocalTargets> {
  const credentials = { username: 'loadtest', password: randomBytes(12).toString('base64url') };
  // New databases each run: what a run before left (tokens, failed logins) must not shape this one.
  for (const name of readdirSafe(stateDir)) {
    if (/^(dev|prod)\.sqlite3/.test(name)) rmSync(join(stateDir, name));
  }
  const devDb = `sqlite:${join(stateDir, 'dev.sqlite3')}`;
  const prodDb = `sqlite:${join(stateDir, 'prod.sqlite3')}`;
  // Production's rules for both: the users are hashed at the cost the production stack requires.
  for (const DATABASE_URL of [devDb, prodDb]) {
    await provideUser(
      { ...process.env, DATABASE_URL, NODE_ENV: 'production' },
      credentials.username,
      credentials.password,
    );
  }

  // One worker per CPU, as `npm run stack -- up` starts by default.
  const stack = await stackOnFreePorts(
    join(stateDir, 'stack'),
    { DATABASE_URL: prodDb },
    availableParallelism(),
  );
  // The load comes from one address: nginx's per-client login limit would refuse most of it.
  const liftedLimits = {
    NGINX_LOGIN_RATE: '100000r/s',
    NGINX_LOGIN_BURST: '100000',
    NGINX_REFRESH_RATE: '100000r/s',
    NGINX_REFRESH_BURST: '100000',
  };
  const loadEnv = { ...stack.env, ...liftedLimits };
  const pm2PidFile = join(stateDir, 'stack', 'pm2', 'pm2.pid');
  // pm2's daemon (the workers below it), nginx's master (its workers), the supervisor.
  const stackPidFiles = [
    pm2PidFile,
    join(stateDir, 'stack', 'nginx', 'run', 'nginx.pid'),
    join(stateDir, 'stack', 'supervisor.pid'),
  ];
  let dev: Awaited<ReturnType<typeof startDevServer>> | undefined;
  let stackUp = false;
  const stop = async () => {
    await dev?.stop();
    if (stackUp) await runStackCommand('down', loadEnv);
  };
  try {
    say('starting the dev server (npm run dev)');
    dev = await startDevServer(await freePort(), { DATABASE_URL: devDb, LOG_LEVEL: 'warn' });
    say('starting the production stack (pm2 cluster behind nginx)');
    stackUp = true;
    await runStackCommand('up', loadEnv);
  } catch (error) {
    await stop();
    throw error;
  }
  const devServer = dev;
  return {
    urls: { dev: devServer.url, prod: stack.url },
    credentials,
    processes: {
      dev: () => [devServer.pid],
      prod: () =>
        stackPidFiles.filter(existsSync).map((file) => Number(readFileSync(file, 'utf8').trim())),
    },
    controls: {
      dev: {
        deployment: 'a source file saved: npm run dev restarts',
        deploy: () => {
          touchSource();
          return Promise.resolve();
        },
        crash: 'the dev server killed (SIGKILL)',
        kill: () => {
          killFirst(appProcesses(childrenOf(devServer.pid)), 'dev server');
          return Promise.resolve();
        },
      },
      prod: {
        deployment: 'npm run stack -- reload',
        deploy: () => runStackCommand('reload', loadEnv),
        crash: 'one pm2 worker killed (SIGKILL)',
        kill: () => {
          const pm2 = Number(readFileSync(pm2PidFile, 'utf8'));
          killFirst(appProcesses(childrenOf(pm2)), 'pm2 worker');
          return Promise.resolve();
        },
      },
    },
    async restoreStackLimits() {
      say('restarting the production stack with its own nginx login limits');
      await runStackCommand('down', loadEnv);
      await runStackCommand('up', stack.env);
    },
    stop,
  };
}
