/**
 * How busy the machine was with work other than this run's, before it began and while it ran:
 * the machine's CPU time (/proc/stat) minus what this run's own processes spent. The run's own
 * are this process, the children it has waited for (each k6 step), and every live process
 * started in the project or the run's state folder (the servers, pm2 and its workers, nginx).
 * A share of the machine taken by something else lowers every figure; the report says so.
 */
import { cpus } from 'node:os';
import { readlinkSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  cpuSecondsOf,
  machineBusySeconds,
  waitedChildrenCpuSeconds,
} from '../../tools/process-cpu.ts';
import { round } from './scenario-result.ts';

/** Shares of the whole machine's CPU (1 = every core), taken by other processes. */
export interface OtherLoad {
  before: number;
  mean: number;
  peak: number;
}

/** Whether `pid` works in one of `folders`; false once it is gone, or not ours to read. */
function startedIn(pid: number, folders: string[]): boolean {
  try {
    const cwd = readlinkSync(`/proc/${String(pid)}/cwd`);
    return folders.some((folder) => cwd.startsWith(folder));
  } catch {
    return false;
  }
}

/** CPU seconds of this run's own live processes, and of the children it has waited for. */
const runSeconds = (folders: string[]): number =>
  waitedChildrenCpuSeconds() +
  cpuSecondsOf((pid) => pid === process.pid || startedIn(pid, folders));

interface Sample {
  at: number;
  machine: number;
  run: number;
}

const sample = (folders: string[]): Sample => ({
  at: Date.now(),
  machine: machineBusySeconds(),
  run: runSeconds(folders),
});

/** The share of the machine other processes took between two samples. */
function otherShare(from: Sample, to: Sample): number {
  const wall = (to.at - from.at) / 1000;
  if (wall <= 0) return 0;
  const others = to.machine - from.machine - (to.run - from.run);
  return Math.min(1, Math.max(0, others / (wall * cpus().length)));
}

/**
 * Measures for `probeSeconds` before the run, then every `everySeconds` while it runs, until
 * stop(). `folders`: where this run's processes were started.
 */
export async function watchMachineLoad(
  folders: string[],
  { probeSeconds = 2, everySeconds = 2 } = {},
): Promise<{ meanSoFar: () => number; stop: () => OtherLoad }> {
  const start = sample(folders);
  await sleep(probeSeconds * 1000);
  let last = sample(folders);
  const before = otherShare(start, last);
  const shares: number[] = [];
  const timer = setInterval(() => {
    const now = sample(folders);
    shares.push(otherShare(last, now));
    last = now;
  }, everySeconds * 1000);
  timer.unref();
  const mean = () => shares.reduce((sum, share) => sum + share, 0) / (shares.length || 1);
  return {
    meanSoFar: () => (shares.length > 0 ? mean() : before),
    stop: () => {
      clearInterval(timer);
      shares.push(otherShare(last, sample(folders)));
      return { before: round(before), mean: round(mean()), peak: round(Math.max(...shares)) };
    },
  };
}
