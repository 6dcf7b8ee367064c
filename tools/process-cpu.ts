/**
 * Processes as /proc shows them: the CPU time each part of a measured target (its servers,
 * nginx, the load generator) spends, and a process's children. On a machine whose cores the
 * servers and the load generator share, throughput is the cores divided by the CPU a request
 * costs them all, so these figures say why one target serves fewer requests than another.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const ticksPerSecond =
  Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

interface ProcessTimes {
  parent: number;
  processGroup: number;
  /** utime + stime, in seconds. */
  ownSeconds: number;
  /** cutime + cstime: children it has waited for, in seconds. */
  waitedChildrenSeconds: number;
}

/**
 * proc(5): fields after the command name, which may hold spaces and ends at the last ')'.
 * `path`: a process's stat file, or one thread's (/proc/<pid>/task/<tid>/stat).
 */
function timesIn(path: string): ProcessTimes | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined; // it exited meanwhile
  }
  // From field 3 (state) on: field n of proc(5) is fields[n - 3].
  const fields = text
    .slice(text.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  const at = (n: number) => fields[n - 3] ?? 0;
  return {
    parent: at(4),
    processGroup: at(5),
    ownSeconds: (at(14) + at(15)) / ticksPerSecond,
    waitedChildrenSeconds: (at(16) + at(17)) / ticksPerSecond,
  };
}

const processTimes = (pid: number | 'self') => timesIn(`/proc/${String(pid)}/stat`);

/** The process group of `pid`: a daemon's workers share it (pm2's, nginx's). */
export function processGroupOf(pid: number): number {
  const times = processTimes(pid);
  if (!times) throw new Error(`process ${String(pid)} is not running`);
  return times.processGroup;
}

function* liveProcesses(): Generator<[number, ProcessTimes]> {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const times = processTimes(Number(entry));
    if (times) yield [Number(entry), times];
  }
}

/** CPU seconds the live processes of these process groups have spent so far. */
export function groupCpuSeconds(groups: number[]): number {
  let seconds = 0;
  for (const [, times] of liveProcesses()) {
    if (groups.includes(times.processGroup)) seconds += times.ownSeconds;
  }
  return seconds;
}

/** The live children of `pid`. */
export const childrenOf = (pid: number): number[] =>
  [...liveProcesses()].filter(([, times]) => times.parent === pid).map(([child]) => child);

/** CPU seconds of the children this process has waited for (wrk, k6) once they have exited. */
export const waitedChildrenCpuSeconds = (): number =>
  processTimes('self')?.waitedChildrenSeconds ?? 0;

/** CPU seconds the live processes `chosen` picks have spent so far. */
export function cpuSecondsOf(chosen: (pid: number) => boolean): number {
  let seconds = 0;
  for (const [pid, times] of liveProcesses()) if (chosen(pid)) seconds += times.ownSeconds;
  return seconds;
}

/** CPU seconds the whole machine has spent busy since it started (/proc/stat's first line). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  // cpu user nice system idle iowait irq softirq steal: everything but idle and iowait.
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = line
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return (user + nice + system + irq + softirq + steal) / ticksPerSecond;
}

/**
 * `roots` and every live process below them, however deep, each with the CPU seconds it has
 * spent so far: one pass over /proc reads both.
 */
export function processTreeCpu(roots: number[]): Map<number, number> {
  const live = new Map(liveProcesses());
  const inTree = new Set(roots.filter((pid) => live.has(pid)));
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, times] of live) {
      if (!inTree.has(pid) && inTree.has(times.parent)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return new Map([...inTree].map((pid) => [pid, live.get(pid)?.ownSeconds ?? 0]));
}

/**
 * CPU seconds of a process's main thread alone (its thread id is its pid): in Node, the
 * JavaScript thread, which can use one core at most, whatever its other threads do.
 */
export const mainThreadCpuSeconds = (pid: number): number =>
  timesIn(`/proc/${String(pid)}/task/${String(pid)}/stat`)?.ownSeconds ?? 0;
