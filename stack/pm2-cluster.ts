/**
 * pm2 from the project's own dependencies, with its home under var/pm2: the stack never starts,
 * lists or stops the pm2 processes of anything else on the machine.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, runToolOrThrow } from '../tools/run-tool.ts';
import { projectRoot } from '../tools/project-root.ts';
import { stackPaths } from './stack-paths.ts';

const pm2Script = join(projectRoot, 'node_modules', 'pm2', 'bin', 'pm2');

export interface Worker {
  pmId: number;
  /** The worker's number in the cluster (NODE_APP_INSTANCE): its metrics port is the base plus it. */
  instance: number;
  pid: number;
  status: string;
  cpuPercent: number;
  memoryBytes: number;
  restarts: number;
  startedAt: number;
}

/**
 * NODE_CLUSTER_SCHED_POLICY=none: the workers accept connections from the shared socket
 * themselves. With Node's default (round-robin) the pm2 daemon accepts each connection and hands
 * it to a worker over IPC; a connection handed to a worker that is being killed at that moment is
 * never answered, and its client hangs. The policy is read by the daemon, when it starts.
 */
const pm2Env = (env: NodeJS.ProcessEnv) => ({
  ...env,
  PM2_HOME: stackPaths.pm2Home,
  NODE_CLUSTER_SCHED_POLICY: 'none',
});

/** Runs pm2 on this Node (24), which its cluster workers then inherit. */
const pm2 = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  runToolOrThrow(process.execPath, [pm2Script, ...args], pm2Env(env));

/** Whether our pm2 daemon runs, found without starting one (every pm2 command would). */
export function pm2DaemonPid(): number | undefined {
  const pidFile = join(stackPaths.pm2Home, 'pm2.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** pm2-logrotate's settings, kept by pm2 with its other module settings in PM2_HOME. */
export function configureLogRotation(rotation: {
  maxSize: string;
  retain: number;
  checkSeconds: number;
}): void {
  const values = {
    max_size: rotation.maxSize,
    retain: String(rotation.retain),
    workerInterval: String(rotation.checkSeconds),
    rotateInterval: '0 0 * * *',
  };
  for (const [key, value] of Object.entries(values)) pm2(['set', `pm2-logrotate:${key}`, value]);
}

/** Starts the workers; with wait_ready, pm2 returns once each has said it is ready. */
export function startWorkers(env: NodeJS.ProcessEnv): void {
  pm2(['start', stackPaths.ecosystem, '--env', 'production'], env);
}

/** Zero-downtime: workers are replaced one after the other, each new one ready first. */
export function reloadWorkers(env: NodeJS.ProcessEnv = process.env): void {
  pm2(['reload', stackPaths.ecosystem, '--env', 'production'], env);
}

interface Pm2Entry {
  name: string;
  pm_id: number;
  pid: number;
  monit?: { cpu?: number; memory?: number };
  pm2_env?: {
    status?: string;
    restart_time?: number;
    pm_uptime?: number;
    NODE_APP_INSTANCE?: number;
  };
}

export function listWorkers(): Worker[] {
  if (pm2DaemonPid() === undefined) return [];
  const entries = JSON.parse(pm2(['jlist'])) as Pm2Entry[];
  // The API's workers; pm2-logrotate runs beside them (ecosystem.config.cjs).
  return entries
    .filter((entry) => entry.name === 'api')
    .map((entry) => ({
      pmId: entry.pm_id,
      instance: entry.pm2_env?.NODE_APP_INSTANCE ?? 0,
      pid: entry.pid,
      status: entry.pm2_env?.status ?? 'unknown',
      cpuPercent: entry.monit?.cpu ?? 0,
      memoryBytes: entry.monit?.memory ?? 0,
      restarts: entry.pm2_env?.restart_time ?? 0,
      startedAt: entry.pm2_env?.pm_uptime ?? 0,
    }));
}

/** Stops the workers and the daemon itself, so nothing of pm2 is left running. */
export function killPm2(): void {
  if (pm2DaemonPid() !== undefined) pm2(['kill']);
}
