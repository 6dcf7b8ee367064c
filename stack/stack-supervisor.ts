/**
 * Watches the host stack's pm2 from outside it, once a second, and mends what pm2 cannot mend
 * itself. `npm run stack -- up` starts it beside pm2 (detached, its pid in var/supervisor.pid);
 * `down` stops it first. It runs with the app's environment, so it can start the workers again.
 * - pm2's daemon gone (killed, crashed): its cluster workers end with it and nothing restarts
 *   them (measured: 3,957 of 4,753 requests failed until the next `up`). The supervisor waits
 *   for the last old worker to end, then starts the workers again.
 * - a worker that stops answering but stays alive (stuck in a loop, SIGSTOPped): pm2 still lists
 *   it online, and requests on nginx's connections to it wait 30 s for a 504. Each worker's
 *   metrics port is asked for its pid; a worker whose port takes the connection but answers
 *   nothing `missesToKill` times in a row is killed, and pm2 starts another in its place.
 * Where systemd runs, `pm2 startup` makes pm2 itself a service; this covers the machines
 * without it, and the hung worker, which no process manager sees.
 */
import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { endProcesses, isAlive } from '../tools/run-tool.ts';
import { listWorkers, pm2DaemonPid, startWorkers } from './pm2-cluster.ts';

export const supervision = {
  intervalMs: 1000,
  /** How long a worker may take to answer its metrics port. */
  probeTimeoutMs: 2000,
  /** Unanswered probes in a row before a worker counts as hung: 4 to 9 s with the above. */
  missesToKill: 3,
};

const log = (line: string) => {
  appendFileSync(1, `${new Date().toISOString()} supervisor: ${line}\n`);
};

type Probe = { answered: true; pid: number } | { answered: false; hung: boolean };

/** A worker's own pid from its metrics port; hung when the port took the connection but no answer came. */
async function probe(port: number): Promise<Probe> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics/worker`, {
      signal: AbortSignal.timeout(supervision.probeTimeoutMs),
    });
    const { pid } = (await response.json()) as { pid: number };
    return { answered: true, pid };
  } catch (error) {
    // Only the timeout means hung; refused means nothing listens there now (a worker starting,
    // or being replaced).
    return { answered: false, hung: (error as Error).name === 'TimeoutError' };
  }
}

export async function supervise(workers: number, metricsPort: number): Promise<never> {
  const pids = new Map<number, number>();
  const misses = new Map<number, number>();
  for (;;) {
    await sleep(supervision.intervalMs);
    if (pm2DaemonPid() === undefined) {
      log(`pm2's daemon is gone: starting the workers again`);
      await endProcesses([...pids.values()], 5000);
      pids.clear();
      misses.clear();
      try {
        startWorkers(process.env);
        log('the workers are started again');
      } catch (error) {
        log(`could not start the workers: ${(error as Error).message}`);
      }
      continue;
    }
    await Promise.all(
      Array.from({ length: workers }, async (_, instance) => {
        const answer = await probe(metricsPort + instance);
        if (answer.answered) {
          pids.set(instance, answer.pid);
          misses.set(instance, 0);
          return;
        }
        const missed = answer.hung ? (misses.get(instance) ?? 0) + 1 : 0;
        misses.set(instance, missed);
        if (missed < supervision.missesToKill) return;
        // pm2 knows it even when it hung before it ever answered here.
        const pid =
          listWorkers().find((worker) => worker.instance === instance)?.pid ?? pids.get(instance);
        if (pid === undefined || !isAlive(pid)) return;
        log(
          `worker ${instance} (pid ${pid}) has not answered for ${missed} s: killing it for pm2 to replace`,
        );
        process.kill(pid, 'SIGKILL');
        pids.delete(instance);
        misses.set(instance, 0);
      }),
    );
  }
}
