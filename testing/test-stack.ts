/**
 * A host stack for a test, not yet started: two workers, a state folder of its own, free ports,
 * and a user alice with password pw. The stack's tests use it, and so do the ops view's.
 */
import { provideUser } from '../app/src/index.ts';
import { stackOnFreePorts, type StackOnFreePorts } from '../stack/stack-on-free-ports.ts';
import { runScript, type ProcessResult } from './run-script.ts';
import { tempDir } from './temp-dir.ts';
import { testSecret } from './test-secret.ts';

export interface TestStack extends StackOnFreePorts {
  stateDir: string;
  /** `npm run stack -- <command>` on this stack, with `extraEnv` on top of its environment. */
  stack: (command: string, extraEnv?: NodeJS.ProcessEnv) => Promise<ProcessResult>;
}

export async function prepareTestStack(overrides: NodeJS.ProcessEnv = {}): Promise<TestStack> {
  const stateDir = tempDir();
  const { env, url, metricsPort } = await stackOnFreePorts(stateDir, {
    HOME: process.env.HOME,
    JWT_SIGNING_KEY: testSecret,
    ...overrides,
  });
  await provideUser({ ...env, PASSWORD_SCRYPT_LOG_N: '10' }, 'alice', 'pw');
  return {
    env,
    url,
    stateDir,
    metricsPort,
    stack: (command, extraEnv = {}) =>
      runScript('stack/stack-cli.ts', [command], { env: { ...env, ...extraEnv } }),
  };
}
