/**
 * The capacity per core, its projection to bigger hosts and the projection's check, as rows
 * that report.md, report.html and the run's output all show alike.
 */
import { thousands } from './report-figures.ts';
import type { Comparison, CpuCost, ProjectionCheckRow } from './results.ts';

export interface Rows {
  header: string[];
  rows: string[][];
}

const scenarioLabels = { hello: 'GET /hello/', mixed: 'mixed' } as const;
const scenarios = ['hello', 'mixed'] as const;

/** The section's words, the same in report.md, report.html and the run's output. */
export const projectionWords = {
  title: 'Capacity per core, and on a bigger host',
  intro:
    "What a request cost each target's processes (k6 apart), drawn from the capacity search's passing steps, and what that buys with N cores for the server and the load generator on another machine:",
  check: 'The projection checked on this machine:',
};

const costText = (cost: CpuCost): string =>
  `${thousands(cost.per_request.total_us)} µs (${thousands(cost.requests_per_core_second)} a core-second)`;

/** The headline's rows: what a request cost each target, and the projection to the host asked for. */
export function projectionHeadlineRows(
  comparison: Comparison,
  targets: string[],
): { label: string; cells: string[]; versus: string }[] {
  const projection = comparison.projection;
  if (!projection) return [];
  const cores = projection.cores.at(-1) ?? 0;
  const ratio = (dev: number | undefined, prod: number | undefined) =>
    dev && prod ? `${(prod / dev).toFixed(1)}×` : '-';
  return scenarios.flatMap((scenario) => {
    const of = (t: string) => projection.targets[t]?.[scenario];
    return [
      {
        label: `CPU a request cost, ${scenarioLabels[scenario]} (k6 apart)`,
        cells: targets.map((t) => {
          const projected = of(t);
          return projected ? costText(projected.cost) : '-';
        }),
        versus: ratio(of('dev')?.cost.per_request.total_us, of('prod')?.cost.per_request.total_us),
      },
      {
        label: `projected capacity, ${scenarioLabels[scenario]}, ${cores} cores for the server`,
        cells: targets.map((t) => {
          const rps = of(t)?.rps.at(-1);
          return rps === undefined ? '-' : `${thousands(rps)} req/s`;
        }),
        versus: ratio(of('dev')?.rps.at(-1), of('prod')?.rps.at(-1)),
      },
    ];
  });
}

/** Per target and scenario: the cost, split by process, and the capacity on each host size. */
export function projectionRows(comparison: Comparison): Rows | undefined {
  const projection = comparison.projection;
  if (!projection) return undefined;
  const header = [
    'target · scenario',
    'CPU a request (app, nginx, JS thread)',
    'a core-second',
    ...projection.cores.map((n) => `on ${n} cores`),
  ];
  const rows = Object.entries(projection.targets).flatMap(([target, projected]) =>
    scenarios.flatMap((scenario) => {
      const figures = projected[scenario];
      if (!figures) return [];
      const { per_request: us } = figures.cost;
      return [
        [
          `${target} · ${scenarioLabels[scenario]}`,
          `${thousands(us.total_us)} µs (${thousands(us.app_us)}, ${thousands(us.nginx_us)}, ${thousands(us.js_us)}) at ${thousands(figures.cost.at_rps)} req/s`,
          `${thousands(figures.cost.requests_per_core_second)} req`,
          ...figures.rps.map((rps) => `${thousands(rps)} req/s`),
        ],
      ];
    }),
  );
  return { header, rows };
}

export function projectionFormulas(comparison: Comparison): string[] {
  return Object.entries(comparison.projection?.targets ?? {}).map(
    ([target, { formula }]) => `${target}: ${formula}`,
  );
}

const cores = (n: number | null) => (n === null ? '?' : `${String(n)} core${n === 1 ? '' : 's'}`);

function measuredText(row: ProjectionCheckRow): string {
  const rps =
    row.measured_rps === null ? 'below the first step' : `${thousands(row.measured_rps)} req/s`;
  const measured = row.lower_bound ? `at least ${rps} (every step passed)` : rps;
  const busy = `the target kept ${cores(row.target_cores_used)} busy, k6 ${cores(row.k6_cores_used)}`;
  return row.k6_limited
    ? `${measured}; ${busy}: k6 ran out of CPU first, its limit, not the target’s`
    : `${measured}; ${busy}`;
}

/** Predicted against measured on this machine, side by side. */
export function projectionCheckRows(comparison: Comparison): Rows | undefined {
  const entries = Object.entries(comparison.projection_check);
  if (entries.length === 0) return undefined;
  const rows = entries.flatMap(([target, byScenario]) =>
    scenarios.flatMap((scenario) =>
      (byScenario[scenario] ?? []).map((row) => [
        `${target} · ${scenarioLabels[scenario]}`,
        row.setup,
        `${thousands(row.predicted_rps)} req/s on ${cores(row.cores)}`,
        measuredText(row),
      ]),
    ),
  );
  return {
    header: ['target · scenario', 'where it ran', 'predicted', 'measured; at its last step'],
    rows,
  };
}
