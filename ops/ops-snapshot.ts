/**
 * What `npm run ops` shows, as data: the stack's metrics (one scrape returns the sum over every
 * worker, see app/src/metrics/metrics-server.ts) joined with pm2's view of each worker, and the
 * rates between two scrapes.
 */
import type { Worker } from '../stack/pm2-cluster.ts';
import { parsePrometheusText, total, type Sample } from './prometheus-text.ts';
import { workerKey, type PrometheusRates } from './prometheus-rates.ts';
import { metricNames } from '../app/src/index.ts';

export interface Scrape {
  at: number;
  samples: Sample[];
}

export interface WorkerView {
  /** The task (Prometheus's instance: address:port) the worker runs in, read through Prometheus. */
  task: string | null;
  worker: number | null;
  pid: number;
  status: string;
  ready: boolean | null;
  cpu_percent: number | null;
  memory_bytes: number | null;
  restarts: number | null;
  uptime_seconds: number | null;
  requests_total: number;
  requests_per_second: number | null;
}

export interface Snapshot {
  time: string;
  metrics_url: string;
  running: boolean;
  /** Why the view is incomplete, in a sentence, when it is. */
  problem: string | null;
  workers: WorkerView[];
  /** Workers pm2 restarted in the last minutes: their counters began again at zero. */
  restarted: { worker: number | null; pid: number; restarts: number; uptime_seconds: number }[];
  requests_total: number;
  requests_per_second: number | null;
  /** What the rates span: Prometheus's rate() window, or the time between two scrapes. */
  rates_over: string | null;
  server_error_ratio: number | null;
  latency_ms: { p50: number | null; p95: number | null };
  failed_logins_total: number;
  failed_logins_per_minute: number | null;
  tokens: { issued: number; refreshed: number; blacklisted: number; reuse_detected: number };
  nginx: {
    up: boolean;
    active: number;
    reading: number;
    writing: number;
    waiting: number;
    accepted: number;
    handled: number;
    requests: number;
  } | null;
}

/** Every series Prometheus last scraped from the app's tasks, each with its task's instance. */
export const federationOf = (prometheus: string) =>
  `${prometheus.replace(/\/+$/, '')}/federate?match[]=${encodeURIComponent('{job="app"}')}`;

/**
 * One read of the metrics. `at` is when they were taken: now for a live endpoint, Prometheus's
 * last scrape through its federation, so that rates span the scrapes it made.
 */
export async function scrape(url: string): Promise<Scrape> {
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const samples = parsePrometheusText(await response.text());
  const taken = samples.flatMap((sample) =>
    sample.timestamp === undefined ? [] : [sample.timestamp],
  );
  return { at: taken.length > 0 ? Math.max(...taken) : Date.now(), samples };
}

/** A latency quantile from the request histogram's growth between two scrapes, as Prometheus's histogram_quantile estimates it. */
function quantileMs(previous: Sample[], current: Sample[], q: number): number | null {
  const buckets = (samples: Sample[]) => {
    const byBound = new Map<number, number>();
    for (const s of samples) {
      if (s.name !== `${metricNames.httpDuration}_bucket`) continue;
      const bound = s.labels.le === '+Inf' ? Infinity : Number(s.labels.le);
      byBound.set(bound, (byBound.get(bound) ?? 0) + s.value);
    }
    return byBound;
  };
  const before = buckets(previous);
  const growth = [...buckets(current)]
    .map(([bound, count]) => [bound, count - (before.get(bound) ?? 0)] as const)
    .sort(([a], [b]) => a - b);
  const count = growth.at(-1)?.[1] ?? 0;
  if (count <= 0) return null;
  const rank = q * count;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const [bound, cumulative] of growth) {
    if (cumulative >= rank) {
      if (bound === Infinity) return lowerBound * 1000;
      const within = cumulative - lowerCount;
      const fraction = within > 0 ? (rank - lowerCount) / within : 1;
      return (lowerBound + (bound - lowerBound) * fraction) * 1000;
    }
    lowerBound = bound;
    lowerCount = cumulative;
  }
  return null;
}

const perSecond = (delta: number, ms: number) => (ms > 0 ? (delta * 1000) / ms : null);

/**
 * A counter's growth between two scrapes. A counter that went down was reset (a worker restarted
 * and began again at zero): as Prometheus's increase() does, its whole value counts as growth.
 */
const increase = (now: number, before: number) => (now >= before ? now - before : now);

/** How long after a restart the view says so: long enough to be seen between two glances. */
const restartNoticeSeconds = 300;

/** One row per worker: pm2's view joined on pid with the worker's share of the metrics. */
function workerViews(
  samples: Sample[],
  before: Sample[] | undefined,
  window: number,
  pm2Workers: Worker[] | undefined,
  rates: PrometheusRates | undefined,
): WorkerView[] {
  // Workers that answered the scrape; one that did not has no pid to join on. Through
  // Prometheus every task's workers come at once, told apart by their instance label.
  const fromMetrics = samples.filter((s) => s.name === metricNames.workerUp && s.labels.pid);
  const sameWorker = (s: Sample, pid: number, task: string | undefined) =>
    s.labels.pid === String(pid) && s.labels.instance === task;
  const workerSample = (name: string, pid: number, task: string | undefined, from: Sample[]) =>
    from.find((s) => s.name === name && sameWorker(s, pid, task))?.value;
  const workerRow = (
    pid: number,
    task: string | undefined,
    pm2: Worker | undefined,
  ): WorkerView => {
    const inMetrics = fromMetrics.find((s) => sameWorker(s, pid, task));
    const worker = inMetrics?.labels.worker;
    const ready = workerSample(metricNames.workerReady, pid, task, samples);
    const workerRequests = workerSample(metricNames.workerRequests, pid, task, samples) ?? 0;
    const earlier = before
      ? workerSample(metricNames.workerRequests, pid, task, before)
      : undefined;
    return {
      task: task ?? null,
      worker: worker === undefined ? null : Number(worker),
      pid,
      status: pm2?.status ?? (inMetrics ? 'up' : 'unknown'),
      ready: ready === undefined ? null : ready === 1,
      cpu_percent: pm2?.cpuPercent ?? null,
      memory_bytes: pm2?.memoryBytes ?? null,
      restarts: pm2?.restarts ?? null,
      uptime_seconds: pm2 ? Math.max(0, Math.round((Date.now() - pm2.startedAt) / 1000)) : null,
      requests_total: workerRequests,
      requests_per_second: rates
        ? (rates.workers.get(workerKey(task, pid)) ?? null)
        : earlier === undefined
          ? null
          : perSecond(increase(workerRequests, earlier), window),
    };
  };
  const workers = pm2Workers
    ? pm2Workers.map((w) => workerRow(w.pid, undefined, w))
    : fromMetrics.map((s) => workerRow(Number(s.labels.pid), s.labels.instance, undefined));
  return workers.sort(
    (a, b) =>
      (a.task ?? '').localeCompare(b.task ?? '', undefined, { numeric: true }) ||
      (a.worker ?? 99) - (b.worker ?? 99) ||
      a.pid - b.pid,
  );
}

/**
 * nginx's stub_status as the metrics export it; null where the stack has no nginx. Every task
 * exports the same nginx: through Prometheus, one task's copy is read (one that reached it).
 */
function nginxView(all: Sample[]): Snapshot['nginx'] {
  const ups = all.filter((s) => s.name === metricNames.nginxUp);
  const task = (ups.find((s) => s.value === 1) ?? ups[0])?.labels.instance;
  const samples = all.filter((s) => s.labels.instance === task);
  const sum = (name: string) => total(samples, name);
  return samples.some((s) => s.name === metricNames.nginxUp)
    ? {
        up: sum(metricNames.nginxUp) === 1,
        active: sum(metricNames.nginxActive),
        reading: sum(metricNames.nginxReading),
        writing: sum(metricNames.nginxWriting),
        waiting: sum(metricNames.nginxWaiting),
        accepted: sum(metricNames.nginxAccepted),
        handled: sum(metricNames.nginxHandled),
        requests: sum(metricNames.nginxRequests),
      }
    : null;
}

const requestsOf = (s: Sample[]) => total(s, metricNames.httpRequests);
const serverErrorsOf = (s: Sample[]) =>
  total(s, metricNames.httpRequests, (labels) => (labels.status ?? '').startsWith('5'));
const failedLoginsOf = (s: Sample[]) => total(s, metricNames.loginFailures);

/** The rates as two scrapes give them, where Prometheus's own are not there to read. */
function scrapeRates(samples: Sample[], before: Sample[] | undefined, window: number) {
  const rate = (value: (s: Sample[]) => number) =>
    before ? perSecond(increase(value(samples), value(before)), window) : null;
  return {
    requests: rate(requestsOf),
    serverErrors: rate(serverErrorsOf),
    failedLogins: rate(failedLoginsOf),
    p50: before ? quantileMs(before, samples, 0.5) : null,
    p95: before ? quantileMs(before, samples, 0.95) : null,
    over: before ? `${(window / 1000).toFixed(1)} s between two scrapes` : null,
  };
}

/**
 * The snapshot of the latest scrape; its rates from `rates` (Prometheus's rate()) when given,
 * otherwise between the scrape before and this one.
 */
export function buildSnapshot(
  metricsUrl: string,
  current: Scrape | undefined,
  previous: Scrape | undefined,
  pm2Workers: Worker[] | undefined,
  problem: string | null = null,
  rates?: PrometheusRates,
): Snapshot {
  const samples = current?.samples ?? [];
  const before = previous?.samples;
  const window = current && previous ? current.at - previous.at : 0;
  const workers = workerViews(samples, before, window, pm2Workers, rates);
  const measured = rates
    ? {
        requests: rates.requestsPerSecond,
        serverErrors: rates.serverErrorsPerSecond,
        failedLogins: rates.failedLoginsPerSecond,
        p50: rates.p50Ms,
        p95: rates.p95Ms,
        over: `Prometheus's rate() over ${rates.window}`,
      }
    : scrapeRates(samples, before, window);
  const requestRate = measured.requests;
  const errorRate = measured.serverErrors;
  const failedLoginRate = measured.failedLogins;
  const sum = (name: string) => total(samples, name);
  return {
    time: new Date(current?.at ?? Date.now()).toISOString(),
    metrics_url: metricsUrl,
    running: current !== undefined || (pm2Workers?.length ?? 0) > 0,
    problem,
    workers,
    restarted: workers.flatMap((w) =>
      w.restarts && w.uptime_seconds !== null && w.uptime_seconds < restartNoticeSeconds
        ? [{ worker: w.worker, pid: w.pid, restarts: w.restarts, uptime_seconds: w.uptime_seconds }]
        : [],
    ),
    requests_total: requestsOf(samples),
    requests_per_second: requestRate,
    rates_over: measured.over,
    server_error_ratio:
      requestRate === null || errorRate === null || requestRate === 0
        ? null
        : errorRate / requestRate,
    latency_ms: { p50: measured.p50, p95: measured.p95 },
    failed_logins_total: failedLoginsOf(samples),
    failed_logins_per_minute: failedLoginRate === null ? null : failedLoginRate * 60,
    tokens: {
      issued: sum(metricNames.tokensIssued),
      refreshed: sum(metricNames.tokensRefreshed),
      blacklisted: sum(metricNames.tokensBlacklisted),
      reuse_detected: sum(metricNames.refreshReuse),
    },
    nginx: nginxView(samples),
  };
}
