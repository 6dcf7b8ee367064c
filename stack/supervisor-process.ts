/**
 * Starting, finding and stopping the stack's supervisor (stack-supervisor.ts): a detached
 * process, so it outlives the `npm run stack -- up` that started it and pm2's daemon alike.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { endProcesses, isAlive } from '../tools/run-tool.ts';
import { stackPaths } from './stack-paths.ts';

export function supervisorPid(): number | undefined {
  if (!existsSync(stackPaths.supervisorPidFile)) return undefined;
  const pid = Number(readFileSync(stackPaths.supervisorPidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** `env` is the app's: the supervisor starts the workers with it when pm2's daemon is gone. */
export function startSupervisor(
  env: NodeJS.ProcessEnv,
  workers: number,
  metricsPort: number,
): number {
  mkdirSync(stackPaths.logDir, { recursive: true, mode: 0o700 });
  const log = openSync(join(stackPaths.logDir, 'supervisor.log'), 'a', 0o600);
  const child = spawn(
    process.execPath,
    [join(import.meta.dirname, 'run-supervisor.ts'), String(workers), String(metricsPort)],
    { env, detached: true, stdio: ['ignore', log, log] },
  );
  closeSync(log);
  child.unref();
  const pid = child.pid ?? 0;
  mkdirSync(dirname(stackPaths.supervisorPidFile), { recursive: true, mode: 0o700 });
  writeFileSync(stackPaths.supervisorPidFile, String(pid), { mode: 0o600 });
  return pid;
}

/** Stops it before the rest of the stack, so it does not start what `down` is stopping. */
export async function stopSupervisor(): Promise<number | undefined> {
  const pid = supervisorPid();
  if (pid !== undefined) {
    process.kill(pid, 'SIGTERM');
    await endProcesses([pid], 3000);
  }
  rmSync(stackPaths.supervisorPidFile, { force: true });
  return pid;
}
