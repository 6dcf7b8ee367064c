/**
 * A host stack for a test, not yet started: two workers, a state folder of its own, free ports
 * (two in a row for the workers' metrics), and a user alice with password pw.
 */
import { join } from 'node:path';
import { runScript, type ProcessResult } from '../../../app/test/support/run-process.ts';
import { testSecret } from '../../../app/test/support/test-server.ts';
import { tempDir } from '../../../app/test/support/temp-dir.ts';
import { provideUser } from '../../local-servers.ts';
import { freePort, portIsFree } from '../../stack/network.ts';

export interface TestStack {
  env: NodeJS.ProcessEnv;
  /** nginx's address, without a trailing slash. */
  url: string;
  stateDir: string;
  metricsPort: number;
  /** `npm run stack -- <command>` on this stack, with `extraEnv` on top of its environment. */
  stack: (command: string, extraEnv?: NodeJS.ProcessEnv) => Promise<ProcessResult>;
}

/** A port free together with the next one: two workers' metrics ports. */
async function freePortPair(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port < 65_535 && (await portIsFree('127.0.0.1', port + 1))) return port;
  }
}

export async function prepareTestStack(overrides: NodeJS.ProcessEnv = {}): Promise<TestStack> {
  const stateDir = tempDir();
  const nginxPort = await freePort();
  const metricsPort = await freePortPair();
  const env: NodeJS.ProcessEnv = {
    HOME: process.env.HOME,
    STACK_STATE_DIR: stateDir,
    NGINX_PORT: String(nginxPort),
    APP_PORT: String(await freePort()),
    METRICS_PORT: String(metricsPort),
    PM2_INSTANCES: '2',
    DATABASE_URL: `sqlite:${join(stateDir, 'app.sqlite3')}`,
    JWT_SIGNING_KEY: testSecret,
    ...overrides,
  };
  await provideUser({ ...env, PASSWORD_SCRYPT_LOG_N: '10' }, 'alice', 'pw');
  return {
    env,
    url: `http://127.0.0.1:${nginxPort}`,
    stateDir,
    metricsPort,
    stack: (command, extraEnv = {}) =>
      runScript('scripts/stack/stack-cli.ts', [command], { env: { ...env, ...extraEnv } }),
  };
}
