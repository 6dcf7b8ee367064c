/**
 * The rates of a deployed stack as Prometheus itself computes them: rate() and
 * histogram_quantile() over a window the view states. Prometheus scrapes each task at its own
 * moment, so the difference of two federation reads a second apart puts a task's whole scrape
 * interval of requests into one second and the others' into none; rate() over its own samples
 * does not.
 */
import { metricNames } from '../app/src/index.ts';

export interface PrometheusRates {
  /** The window rate() spans, as PromQL writes it: `1m`. */
  window: string;
  requestsPerSecond: number | null;
  serverErrorsPerSecond: number | null;
  failedLoginsPerSecond: number | null;
  p50Ms: number | null;
  p95Ms: number | null;
  /** Each worker's request rate, by `<task instance> <pid>`. */
  workers: Map<string, number>;
}

/** The key a worker's rate is found by: its task and its pid. */
export const workerKey = (instance: string | undefined, pid: number | string) =>
  `${instance ?? ''} ${String(pid)}`;

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** One instant query; its samples, or a line saying why there are none. */
async function query(prometheus: string, promql: string): Promise<VectorSample[]> {
  const url = `${prometheus.replace(/\/+$/, '')}/api/v1/query?query=${encodeURIComponent(promql)}`;
  const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: VectorSample[] };
  };
  if (body.status !== 'success' || body.data?.resultType !== 'vector') {
    throw new Error(`Prometheus refused ${promql}: ${body.error ?? response.statusText}`);
  }
  return body.data.result;
}

/** A query's one number; null when it has no sample (no traffic in the window) or is NaN. */
async function single(prometheus: string, promql: string): Promise<number | null> {
  const value = Number((await query(prometheus, promql))[0]?.value[1]);
  return Number.isFinite(value) ? value : null;
}

export async function prometheusRates(
  prometheus: string,
  window: string,
): Promise<PrometheusRates> {
  const rate = (series: string) => `sum(rate(${series}[${window}]))`;
  const quantile = (q: number) =>
    `histogram_quantile(${q}, sum by (le) (rate(${metricNames.httpDuration}_bucket{job="app"}[${window}])))`;
  const [requests, errors, failedLogins, p50, p95, perWorker] = await Promise.all([
    single(prometheus, rate(`${metricNames.httpRequests}{job="app"}`)),
    single(prometheus, rate(`${metricNames.httpRequests}{job="app",status=~"5.."}`)),
    single(prometheus, rate(`${metricNames.loginFailures}{job="app"}`)),
    single(prometheus, quantile(0.5)),
    single(prometheus, quantile(0.95)),
    query(
      prometheus,
      `sum by (instance, pid) (rate(${metricNames.workerRequests}{job="app"}[${window}]))`,
    ),
  ]);
  return {
    window,
    requestsPerSecond: requests,
    // No 5xx series at all means none in the window.
    serverErrorsPerSecond: errors ?? (requests === null ? null : 0),
    failedLoginsPerSecond: failedLogins ?? (requests === null ? null : 0),
    p50Ms: p50 === null ? null : p50 * 1000,
    p95Ms: p95 === null ? null : p95 * 1000,
    workers: new Map(
      perWorker.map((sample) => [
        workerKey(sample.metric.instance, sample.metric.pid ?? ''),
        Number(sample.value[1]),
      ]),
    ),
  };
}
