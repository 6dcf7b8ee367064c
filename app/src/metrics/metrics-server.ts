/**
 * Prometheus metrics, never on the app's own listener: worker n of a pm2 cluster listens on
 * METRICS_PORT + n (pm2's NODE_APP_INSTANCE) at METRICS_HOST (loopback unless a Prometheus on a
 * container network scrapes the task), and answers
 *   GET /metrics         the sum over every worker, whichever worker is asked, with each worker's
 *                        share (app_worker_*) and nginx's stub_status counters;
 *   GET /metrics/worker  its own registry as JSON, for the other workers to sum.
 * Why ports and not pm2's IPC: a scrape then needs nothing but HTTP between the workers, works
 * the same under `pm2-runtime` in a container, and a worker that hangs only drops its own share
 * (app_worker_up 0) after a short timeout instead of stalling the answer.
 */
import { createServer, type Server } from 'node:http';
import { availableParallelism } from 'node:os';
import {
  AggregatorRegistry,
  prometheusContentType,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';
import type { AppMetrics } from './app-metrics.ts';
import { nginxSeries, parseNginxStatus } from './nginx-status.ts';
import { metricNames } from './metric-names.ts';

type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];

interface WorkerReport {
  pid: number;
  metrics: WorkerMetrics;
}

export interface MetricsServerOptions {
  basePort: number;
  /** Where to listen; the workers reach each other on loopback, which 0.0.0.0 includes. */
  host?: string;
  /** This worker's number in the cluster, 0 outside one. */
  instance: number;
  /** How many workers the cluster has. */
  workers: number;
  nginxStatusUrl?: string;
}

/** pm2 tells each worker its number and the cluster's size through the environment. */
export function clusterPosition(env: NodeJS.ProcessEnv): { instance: number; workers: number } {
  const instance = Number(env.NODE_APP_INSTANCE ?? 0);
  const declared = Number(env.instances);
  // pm2 writes `instances` as given: a count, or 0, -1 or max for one per CPU.
  const workers = Number.isInteger(declared) && declared >= 1 ? declared : availableParallelism();
  return { instance: Number.isInteger(instance) ? instance : 0, workers };
}

const sumOf = (
  metrics: WorkerMetrics,
  name: string,
  keep: (labels: Record<string, unknown>) => boolean = () => true,
) =>
  (metrics.find((metric) => metric.name === name)?.values ?? [])
    .filter((value) => keep(value.labels))
    .reduce((total, value) => total + value.value, 0);

/** Each worker's share, labelled by worker and pid; a worker that did not answer is up 0 alone. */
const workerShares: [string, 'gauge' | 'counter', string, (metrics: WorkerMetrics) => number][] = [
  [metricNames.workerUp, 'gauge', 'Whether the worker answered this scrape.', () => 1],
  [
    metricNames.workerReady,
    'gauge',
    'Whether the worker would answer /readyz with 200.',
    (m) => sumOf(m, metricNames.ready),
  ],
  [
    metricNames.workerRequests,
    'counter',
    'Requests this worker answered.',
    (m) => sumOf(m, metricNames.httpRequests),
  ],
  [
    metricNames.workerServerErrors,
    'counter',
    'Requests this worker answered with a 5xx.',
    (m) => sumOf(m, metricNames.httpRequests, (labels) => String(labels.status).startsWith('5')),
  ],
];

function workerSeries(reports: (WorkerReport | undefined)[]): string {
  const blocks = workerShares.map(([name, type, help, value]) => {
    const lines = reports.flatMap((report, instance) => {
      if (report)
        return [`${name}{worker="${instance}",pid="${report.pid}"} ${value(report.metrics)}`];
      return name === metricNames.workerUp ? [`${name}{worker="${instance}"} 0`] : [];
    });
    return [`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines].join('\n');
  });
  return `${blocks.join('\n')}\n`;
}

async function fetchReport(port: number): Promise<WorkerReport | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/metrics/worker`, {
      signal: AbortSignal.timeout(1000),
    });
    return response.ok ? ((await response.json()) as WorkerReport) : undefined;
  } catch {
    return undefined;
  }
}

async function fetchNginxStatus(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return nginxSeries(response.ok ? parseNginxStatus(await response.text()) : undefined);
  } catch {
    return nginxSeries(undefined);
  }
}

function createMetricsHandler(metrics: AppMetrics, options: MetricsServerOptions) {
  const ownReport = async (): Promise<WorkerReport> => ({
    pid: process.pid,
    metrics: await metrics.registry.getMetricsAsJSON(),
  });

  async function aggregate(): Promise<string> {
    const reports = await Promise.all(
      Array.from({ length: options.workers }, (_, instance) =>
        instance === options.instance ? ownReport() : fetchReport(options.basePort + instance),
      ),
    );
    const answered = reports.filter((report) => report !== undefined);
    const summed = AggregatorRegistry.aggregate(answered.map((report) => report.metrics));
    const nginx = options.nginxStatusUrl ? await fetchNginxStatus(options.nginxStatusUrl) : '';
    return `${await summed.metrics()}\n${workerSeries(reports)}${nginx}`;
  }

  return async (path: string): Promise<{ status: number; type: string; body: string }> => {
    if (path === '/metrics') {
      return {
        status: 200,
        type: prometheusContentType,
        body: await aggregate(),
      };
    }
    if (path === '/metrics/worker') {
      return { status: 200, type: 'application/json', body: JSON.stringify(await ownReport()) };
    }
    return { status: 404, type: 'text/plain', body: 'not found\n' };
  };
}

/**
 * Listens on host (127.0.0.1 unless given), port basePort + instance. During `pm2 reload` the
 * worker being replaced still holds that port for a moment: the new one tries again until it is
 * free.
 */
export function startMetricsServer(metrics: AppMetrics, options: MetricsServerOptions): Server {
  const handle = createMetricsHandler(metrics, options);
  const server = createServer((req, res) => {
    handle(new URL(req.url ?? '/', 'http://localhost').pathname).then(
      ({ status, type, body }) => res.writeHead(status, { 'content-type': type }).end(body),
      (error: unknown) => res.writeHead(500).end(`${(error as Error).message}\n`),
    );
  });
  const listen = () =>
    server.listen(options.basePort + options.instance, options.host ?? '127.0.0.1');
  server.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') setTimeout(listen, 500).unref();
    else throw error;
  });
  listen();
  return server;
}
