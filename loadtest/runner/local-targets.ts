/**
 * The two servers a default run compares, started on free ports with databases of their own
 * under var/loadtest: the dev server, and the production stack (pm2 cluster behind nginx).
 * Each gets a `loadtest` user with a new random password.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { provideUser, runStackCommand, startDevServer } from '../../stack/local-servers.ts';
import { stackOnFreePorts } from '../../stack/stack-on-free-ports.ts';
import { freePort } from '../../tools/network.ts';
import { projectRoot } from '../../tools/project-root.ts';

export interface LocalTargets {
  urls: { dev: string; prod: string };
  credentials: { username: string; password: string };
  stop(): Promise<void>;
}

/** LOADTEST_STATE_DIR moves the databases and the stack's state (the tests keep theirs apart). */
const stateDir = process.env.LOADTEST_STATE_DIR ?? join(projectRoot, 'var', 'loadtest');

export async function startLocalTargets(say: (line: string) => void): Promise<LocalTargets> {
  const credentials = { username: 'loadtest', password: randomBytes(12).toString('base64url') };
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
    {
      DATABASE_URL: prodDb,
      // The load comes from one address: nginx's per-client login limit would refuse most of it.
      NGINX_LOGIN_RATE: '100000r/s',
      NGINX_LOGIN_BURST: '100000',
      NGINX_REFRESH_RATE: '100000r/s',
      NGINX_REFRESH_BURST: '100000',
    },
    availableParallelism(),
  );
  let dev: Awaited<ReturnType<typeof startDevServer>> | undefined;
  let stackUp = false;
  const stop = async () => {
    await dev?.stop();
    if (stackUp) await runStackCommand('down', stack.env);
  };
  try {
    say('starting the dev server (npm run dev)');
    dev = await startDevServer(await freePort(), { DATABASE_URL: devDb, LOG_LEVEL: 'warn' });
    say('starting the production stack (pm2 cluster behind nginx)');
    stackUp = true;
    await runStackCommand('up', stack.env);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls: { dev: dev.url, prod: stack.url },
    credentials,
    stop,
  };
}
