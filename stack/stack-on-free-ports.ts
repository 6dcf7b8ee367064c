/**
 * The environment of a host stack that meets nothing else on this machine: its state in a folder
 * of its own and free ports for nginx, the workers and their metrics. The tests, the load test and
 * the benchmark each start theirs with it.
 */
import { join } from 'node:path';
import { freePort, portIsFree } from '../tools/network.ts';

export interface StackOnFreePorts {
  env: NodeJS.ProcessEnv;
  /** nginx's address, without a trailing slash. */
  url: string;
  /** Worker n's metrics answer on this port plus n. */
  metricsPort: number;
}

/** A free port whose next `count - 1` ports are free too: one metrics port per worker. */
async function freePortRun(count: number): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + count > 65_536) continue;
    const rest = await Promise.all(
      Array.from({ length: count - 1 }, (_, i) => portIsFree('127.0.0.1', port + i + 1)),
    );
    if (rest.every(Boolean)) return port;
  }
}

export async function stackOnFreePorts(
  stateDir: string,
  overrides: NodeJS.ProcessEnv = {},
  workers = 2,
): Promise<StackOnFreePorts> {
  const nginxPort = await freePort();
  const metricsPort = await freePortRun(workers);
  const env: NodeJS.ProcessEnv = {
    STACK_STATE_DIR: stateDir,
    NGINX_PORT: String(nginxPort),
    APP_PORT: String(await freePort()),
    METRICS_PORT: String(metricsPort),
    PM2_INSTANCES: String(workers),
    DATABASE_URL: `sqlite:${join(stateDir, 'app.sqlite3')}`,
    ...overrides,
  };
  return { env, url: `http://127.0.0.1:${nginxPort}`, metricsPort };
}
