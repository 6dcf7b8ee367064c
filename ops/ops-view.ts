/** The ops view as lines of text, none wider than 80 columns: the width of a default terminal. */
import { duration, megabytes } from '../tools/format-units.ts';
import type { Snapshot, WorkerView } from './ops-snapshot.ts';

export const viewWidth = 80;

const fixed = (value: number | null, digits: number, unit = '') =>
  value === null ? '-' : `${value.toFixed(digits)}${unit}`;
const ms = (value: number | null) =>
  value === null ? '-' : value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
const cell = (text: string, width: number) => text.slice(0, width - 1).padEnd(width);
/** 1234, 12.3k, 4.5M: counters grow without bound, the line may not. */
function count(value: number): string {
  if (value < 10_000) return String(value);
  const [divisor, unit] = value < 1e6 ? [1e3, 'k'] : value < 1e9 ? [1e6, 'M'] : [1e9, 'G'];
  return `${(value / divisor).toFixed(1)}${unit}`;
}

function readiness(ready: boolean | null, status: string): string {
  if (status !== 'online' && status !== 'up') return '-';
  if (ready === null) return '?';
  return ready ? 'yes' : 'NO';
}

const requestRate = (w: WorkerView) =>
  w.requests_per_second === null ? '-' : count(Math.round(w.requests_per_second));

/** The local stack: pm2's view of each worker beside its share of the metrics. */
function workerRows(workers: WorkerView[]): string[] {
  return [
    'worker  pid      status    ready  cpu    memory    restarts  uptime     req/s',
    ...workers.map((w) =>
      [
        cell(w.worker === null ? '?' : String(w.worker), 8),
        cell(String(w.pid), 9),
        cell(w.status, 10),
        cell(readiness(w.ready, w.status), 7),
        cell(w.cpu_percent === null ? '-' : `${w.cpu_percent}%`, 7),
        cell(w.memory_bytes === null ? '-' : megabytes(w.memory_bytes), 10),
        cell(w.restarts === null ? '-' : String(w.restarts), 10),
        cell(w.uptime_seconds === null ? '-' : duration(w.uptime_seconds), 11),
        requestRate(w),
      ].join(''),
    ),
  ];
}

/** A deployed stack read through Prometheus: every task's workers, by the task's address. */
function taskRows(workers: WorkerView[]): string[] {
  return [
    'task                   worker  pid      status    ready  req/s',
    ...workers.map((w) =>
      [
        cell(w.task ?? '?', 23),
        cell(w.worker === null ? '?' : String(w.worker), 8),
        cell(String(w.pid), 9),
        cell(w.status, 10),
        cell(readiness(w.ready, w.status), 7),
        requestRate(w),
      ].join(''),
    ),
  ];
}

export function renderView(snapshot: Snapshot, refreshSeconds: number): string[] {
  const clock = snapshot.time.slice(11, 19);
  const lines = [
    `prodstack ops  ${clock}  every ${refreshSeconds} s, Ctrl-C quits`,
    `metrics ${snapshot.metrics_url}`.slice(0, viewWidth),
    '',
  ];
  if (!snapshot.running) {
    lines.push('The stack is not running: its metrics do not answer and pm2 has no workers.');
    lines.push('Start it with `npm run stack -- up`.');
    if (snapshot.problem) lines.push('', snapshot.problem);
    return lines;
  }
  if (snapshot.problem) lines.push(snapshot.problem.slice(0, viewWidth), '');

  lines.push(
    `requests ${snapshot.requests_per_second === null ? '-' : `${count(Math.round(snapshot.requests_per_second))}/s`}   5xx ${fixed(
      snapshot.server_error_ratio === null ? null : snapshot.server_error_ratio * 100,
      1,
      '%',
    )}   p50 ${ms(snapshot.latency_ms.p50)}   p95 ${ms(snapshot.latency_ms.p95)}   failed logins ${fixed(snapshot.failed_logins_per_minute, 0, '/min')}`,
    `rates    ${snapshot.rates_over ?? 'from the next scrape on'}`,
    `totals   ${count(snapshot.requests_total)} requests  ${count(snapshot.tokens.issued)} logins  ${count(snapshot.tokens.refreshed)} refreshes  ${count(snapshot.tokens.reuse_detected)} reused`,
    '',
  );
  if (snapshot.workers.some((w) => w.task !== null)) lines.push(...taskRows(snapshot.workers));
  else lines.push(...workerRows(snapshot.workers));
  if (snapshot.workers.length === 0) lines.push('(no workers)');
  for (const r of snapshot.restarted) {
    lines.push(
      `RESTARTED worker ${r.worker ?? '?'} (pid ${r.pid}) ${duration(r.uptime_seconds)} ago, restart ${r.restarts}: its counts began again at 0`.slice(
        0,
        viewWidth,
      ),
    );
  }
  lines.push('');
  const n = snapshot.nginx;
  if (!n) lines.push('nginx   (no stub_status in these metrics)');
  else if (!n.up) lines.push('nginx   DOWN: its stub_status does not answer');
  else {
    lines.push(
      `nginx   up   active ${count(n.active)} (reading ${count(n.reading)}, writing ${count(n.writing)}, waiting ${count(n.waiting)})`,
      `        accepted ${count(n.accepted)}   handled ${count(n.handled)}   requests ${count(n.requests)}`,
    );
  }
  return lines;
}
