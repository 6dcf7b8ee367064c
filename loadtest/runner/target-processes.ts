/**
 * A local target's processes as /proc shows them, from its roots down (the dev server's watcher;
 * pm2's daemon, nginx's master and the stack's supervisor): the CPU they spend while k6 loads
 * them, the load generator apart, and their pinning to chosen cores for the projection's check.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { mainThreadCpuSeconds, processTreeCpu } from '../../tools/process-cpu.ts';

/** CPU seconds, split the way the projection needs them. */
export interface TargetCpu {
  /** Every process of the target. */
  total: number;
  /** The processes running the app: the dev server's child, the pm2 workers. */
  app: number;
  nginx: number;
  /** The app processes' main threads: JavaScript, one core each at most. */
  js: number;
}

const read = (pid: number, file: string) => {
  try {
    return readFileSync(`/proc/${String(pid)}/${file}`, 'utf8');
  } catch {
    return ''; // it exited meanwhile
  }
};

/** Processes running the app (dist/app/src/start.js, app/src/start.ts), not the dev watcher. */
export const appProcesses = (pids: number[]): number[] =>
  pids.filter((pid) => {
    const argv = read(pid, 'cmdline').split('\0');
    return (
      argv.some((arg) => /start\.(js|ts)$/.test(arg)) && !argv.some((a) => a.startsWith('--watch'))
    );
  });

export function targetCpu(roots: number[]): TargetCpu {
  const tree = processTreeCpu(roots);
  const pids = [...tree.keys()];
  const app = appProcesses(pids);
  const nginx = pids.filter((pid) => read(pid, 'comm').trim() === 'nginx');
  const sum = (chosen: number[], seconds: (pid: number) => number) =>
    chosen.reduce((total, pid) => total + seconds(pid), 0);
  const own = (pid: number) => tree.get(pid) ?? 0;
  return {
    total: sum(pids, own),
    app: sum(app, own),
    nginx: sum(nginx, own),
    js: sum(app, mainThreadCpuSeconds),
  };
}

/** How many cores a taskset list names: "1" → 1, "0-3,6" → 5. */
export const coresIn = (list: string): number =>
  list.split(',').reduce((count, part) => {
    const [from, to = from] = part.split('-').map(Number);
    return count + (to ?? 0) - (from ?? 0) + 1;
  }, 0);

/** Every core of this machine, as taskset writes a list. */
export const allCores = (): string => `0-${String(cpus().length - 1)}`;

/**
 * Pins every thread of every process under `roots` to `cores` (a taskset list: "0", "0-1");
 * what they start later inherits it.
 */
export function pinTarget(roots: number[], cores: string): void {
  for (const pid of processTreeCpu(roots).keys()) {
    const result = spawnSync(
      'taskset',
      ['--all-tasks', '--cpu-list', '--pid', cores, String(pid)],
      {
        encoding: 'utf8',
      },
    );
    if (result.error) {
      throw new Error(`taskset could not run (${result.error.message}): install util-linux`);
    }
    // A process that exited between the listing and taskset is no longer the target's.
    if (result.status !== 0 && read(pid, 'stat') !== '') {
      throw new Error(
        `taskset could not pin process ${String(pid)} to cores ${cores}: ${result.stderr.trim()}`,
      );
    }
  }
}
