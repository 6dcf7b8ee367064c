/**
 * The two servers a default run compares, started on free ports with databases of their own
 * under var/loadtest: the dev server, and the production stack (pm2 cluster behind nginx).
 * Each gets a `loadtest` user with a new random password.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { systemClock } from '../../app/src/clock.ts';
import { loadConfig } from '../../app/src/config/load-config.ts';
import { openConfiguredStore, userServiceFor } from '../../app/src/services.ts';
import { runStackCommand, startDevServer } from '../../scripts/local-servers.ts';
import { freePort } from '../../scripts/stack/network.ts';
import { projectRoot } from '../../scripts/stack/stack-paths.ts';

export interface LocalTargets {
  urls: { dev: string; prod: string };
  credentials: { username: string; password: string };
  stop(): Promise<void>;
}

/** LOADTEST_STATE_DIR moves the databases and the stack's state (the tests keep theirs apart). */
const stateDir = process.env.LOADTEST_STATE_DIR ?? join(projectRoot, 'var', 'loadtest');

async function prepareUser(databaseUrl: string, username: string, password: string): Promise<void> {
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    NODE_ENV: 'production',
    JWT_SIGNING_KEY: 'x'.repeat(32),
  });
  const store = openConfiguredStore(config, systemClock);
  const users = userServiceFor(config, store, systemClock);
  try {
    if (await store.users.findByUsername(username)) await users.setPassword(username, password);
    else await users.create(username, password);
  } finally {
    await store.close();
  }
}

export async function startLocalTargets(say: (line: string) => void): Promise<LocalTargets> {
  const credentials = { username: 'loadtest', password: randomBytes(12).toString('base64url') };
  const devDb = `sqlite:${join(stateDir, 'dev.sqlite3')}`;
  const prodDb = `sqlite:${join(stateDir, 'prod.sqlite3')}`;
  await prepareUser(devDb, credentials.username, credentials.password);
  await prepareUser(prodDb, credentials.username, credentials.password);

  const stackEnv: NodeJS.ProcessEnv = {
    STACK_STATE_DIR: join(stateDir, 'stack'),
    APP_PORT: String(await freePort()),
    NGINX_PORT: String(await freePort()),
    DATABASE_URL: prodDb,
    // The load comes from one address: nginx's per-client login limit would refuse most of it.
    NGINX_TOKEN_RATE: '100000r/s',
    NGINX_TOKEN_BURST: '100000',
  };
  let dev: Awaited<ReturnType<typeof startDevServer>> | undefined;
  let stackUp = false;
  const stop = async () => {
    await dev?.stop();
    if (stackUp) await runStackCommand('down', stackEnv);
  };
  try {
    say('starting the dev server (npm run dev)');
    dev = await startDevServer(await freePort(), { DATABASE_URL: devDb, LOG_LEVEL: 'warn' });
    say('starting the production stack (pm2 cluster behind nginx)');
    stackUp = true;
    await runStackCommand('up', stackEnv);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    urls: { dev: dev.url, prod: `http://127.0.0.1:${stackEnv.NGINX_PORT ?? ''}` },
    credentials,
    stop,
  };
}
