/** Reads k6's summary and samples into the figures the report shows. */
import { readFileSync } from 'node:fs';
import type { ScenarioFigures, TimePoint } from '../report/results.ts';

interface SummaryMetric {
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The metrics of k6's end-of-test summary, by name (a submetric as `name{tag:value}`). */
export function readSummaryMetrics(file: string): Record<string, SummaryMetric | undefined> {
  return (JSON.parse(readFileSync(file, 'utf8')) as { metrics: Record<string, SummaryMetric> })
    .metrics;
}

/** The lines of k6's CSV output, each as the values of the named columns. */
export function readSamples<const K extends string>(
  csvFile: string,
  names: readonly K[],
): Record<K, string>[] {
  const [header, ...rows] = readFileSync(csvFile, 'utf8').trim().split('\n');
  const columns = (header ?? '').split(',');
  const indexes = names.map((name) => [name, columns.indexOf(name)] as const);
  return rows.map((row) => {
    const cells = row.split(',');
    return Object.fromEntries(indexes.map(([name, at]) => [name, cells[at] ?? ''])) as Record<
      K,
      string
    >;
  });
}

/** Every request k6 sent, warm-up and setup() included: what the target spent CPU on. */
export const allRequests = (file: string): number =>
  readSummaryMetrics(file).http_reqs?.values.count ?? 0;

/** Only the `measure` scenario counts: the warm-up is left out of every figure. */
export function readSummary(file: string, measuredSeconds: number): ScenarioFigures {
  const metrics = readSummaryMetrics(file) as Record<string, SummaryMetric>;
  // The k6 profile names each metric's measured submetric: `name{scenario:measure...}`.
  const metric = (name: string) =>
    Object.entries(metrics).find(([key]) => key.startsWith(`${name}{scenario:measure`))?.[1]
      .values ?? {};
  const duration = metric('http_req_duration');
  const requests = metric('http_reqs').count ?? 0;
  const crossed = Object.entries(metrics).flatMap(([name, m]) =>
    Object.entries(m.thresholds ?? {})
      .filter(([, t]) => !t.ok)
      .map(([rule]) => `${name} ${rule}`),
  );
  return {
    rps: round(requests / measuredSeconds, 1),
    p50_ms: round(duration.med ?? 0),
    p95_ms: round(duration['p(95)'] ?? 0),
    p99_ms: round(duration['p(99)'] ?? 0),
    error_rate: round(metric('http_req_failed').rate ?? 0, 4),
    requests,
    dropped_iterations: metric('dropped_iterations').count ?? 0,
    thresholds_crossed: crossed,
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0
    ? 0
    : (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0);

/** Requests per second and p95 latency, second by second, of the measured part of a run. */
export function readTimeSeries(csvFile: string): TimePoint[] {
  const samples = readSamples(csvFile, ['metric_name', 'timestamp', 'metric_value', 'scenario']);
  const perSecond = new Map<number, number[]>();
  for (const sample of samples) {
    if (sample.metric_name !== 'http_req_duration' || sample.scenario !== 'measure') continue;
    const second = Math.floor(Number(sample.timestamp) / 1000); // k6 writes milliseconds here
    const list = perSecond.get(second) ?? [];
    list.push(Number(sample.metric_value));
    perSecond.set(second, list);
  }
  // The first and last seconds are partial: they would show as a dip that is not there.
  const seconds = [...perSecond.keys()].sort((a, b) => a - b).slice(1, -1);
  const first = seconds[0] ?? 0;
  return seconds.map((second) => {
    const latencies = (perSecond.get(second) ?? []).sort((a, b) => a - b);
    return {
      second: second - first,
      rps: latencies.length,
      p95_ms: round(percentile(latencies, 95)),
    };
  });
}
