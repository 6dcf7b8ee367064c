/** report.html: one self-contained page, charts first, then the table and what to keep in mind. */
import { busyBanner } from './busy-banner.ts';
import { experimentCharts } from './experiment-charts.ts';
import { headlineRows } from './render-markdown.ts';
import {
  projectionCheckRows,
  projectionFormulas,
  projectionRows,
  projectionWords,
  type Rows,
} from './projection-tables.ts';
import type { Results } from './results.ts';
import { barChart, lineChart, type Series } from './svg-charts.ts';
import { ratioOf, targetColor, thousands } from './report-figures.ts';

const escape = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

const style = `
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 820px; color: #1f2937; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; } .sub { color: #6b7280; margin-top: 0; }
.headline { display: flex; gap: 1rem; margin: 1.2rem 0; flex-wrap: wrap; }
.card { flex: 1; min-width: 170px; border: 1px solid #e5e7eb; border-radius: 8px; padding: 0.8rem 1rem; }
.card .big { font-size: 1.8rem; font-weight: 600; } .card .what { color: #6b7280; font-size: 0.85rem; }
.chart { width: 100%; height: auto; margin: 1rem 0 1.5rem; }
.chart .title { font-weight: 600; font-size: 15px; } .chart .tick, .chart .legend, .chart .label, .chart .axis { font-size: 12px; fill: #4b5563; }
.chart .value { font-size: 11px; fill: #111827; } .chart .grid { stroke: #e5e7eb; } .chart .line { stroke-width: 2; }
table { border-collapse: collapse; width: 100%; font-size: 14px; margin: 1rem 0; }
th, td { text-align: right; padding: 0.3rem 0.5rem; border-bottom: 1px solid #e5e7eb; } th:first-child, td:first-child, th:nth-child(2), td:nth-child(2) { text-align: left; }
.headline-table th, .headline-table td, .projection-check-table td { text-align: left; } .headline-table td:first-child { font-weight: 600; }
.bad { color: #b91c1c; font-weight: 600; }
.banner { background: #fef3c7; border-left: 4px solid #d97706; padding: 0.6rem 1rem; } .notes { background: #f9fafb; border-radius: 8px; padding: 0.6rem 1.2rem; }
`;

function htmlTable({ header, rows }: Rows, className: string): string {
  const cells = (tag: string, values: string[]) =>
    values.map((value) => `<${tag}>${escape(value)}</${tag}>`).join('');
  return `<table class="${className}"><thead><tr>${cells('th', header)}</tr></thead><tbody>${rows
    .map((row) => `<tr>${cells('td', row)}</tr>`)
    .join('')}</tbody></table>`;
}

/** The four experiments side by side: the question the run answers, first. */
function headlineTable(results: Results): string {
  const skipped = results.comparison.skipped
    .map((line) => `<p class="sub">Not run: ${escape(line)}.</p>`)
    .join('');
  return `${htmlTable(headlineRows(results), 'headline-table')}${skipped}`;
}

function projectionSection(results: Results): string {
  const projection = projectionRows(results.comparison);
  if (!projection) return '';
  const check = projectionCheckRows(results.comparison);
  const formulas = projectionFormulas(results.comparison)
    .map((line) => `<li>${escape(line)}</li>`)
    .join('');
  return `<h2>${escape(projectionWords.title)}</h2>
<p>${escape(projectionWords.intro)}</p>
${htmlTable(projection, 'projection-table')}
<ul class="notes">${formulas}</ul>
${check ? `<p>${escape(projectionWords.check)}</p>${htmlTable(check, 'projection-check-table')}` : ''}`;
}

function headline(results: Results): string {
  const ratio = ratioOf(results, 'hello');
  const cards = Object.entries(results.targets).map(([target, scenarios]) => {
    const hello = scenarios.hello;
    return hello
      ? `<div class="card"><div class="what">${escape(target)}: GET /hello/</div><div class="big">${thousands(hello.rps)} req/s</div><div class="what">p95 ${hello.p95_ms} ms, errors ${(hello.error_rate * 100).toFixed(2)}%</div></div>`
      : '';
  });
  if (ratio !== undefined) {
    const faster = ratio >= 1;
    const times = (faster ? ratio : 1 / ratio).toFixed(2);
    cards.push(
      `<div class="card"><div class="what">GET /hello/ p95, same arrival rate</div><div class="big">${times}× ${faster ? 'faster' : 'slower'}</div><div class="what">the production stack than the dev server</div></div>`,
    );
  }
  return `<div class="headline">${cards.join('')}</div>`;
}

function table(results: Results): string {
  const rows = Object.entries(results.targets).flatMap(([target, scenarios]) =>
    Object.entries(scenarios).map(([scenario, f]) => {
      const errors = `${(f.error_rate * 100).toFixed(2)}%`;
      return `<tr><td>${escape(scenario)}</td><td>${escape(target)}</td><td>${f.rps}</td><td>${f.p50_ms}</td><td>${f.p95_ms}</td><td>${f.p99_ms}</td><td class="${f.error_rate > 0.01 ? 'bad' : ''}">${errors}</td><td>${f.dropped_iterations}</td><td>${f.requests}</td></tr>`;
    }),
  );
  return `<table><thead><tr><th>scenario</th><th>target</th><th>req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>errors</th><th>dropped</th><th>requests</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function charts(results: Results): string {
  const targets = Object.keys(results.targets);
  const scenarios = results.settings.scenarios;
  const seriesOf = (pick: (t: string, s: string) => number, groups: string[]): Series[] =>
    targets.map((t, i) => ({
      name: t,
      color: targetColor(t, i),
      values: groups.map((g) => pick(t, g)),
    }));
  const figure = (t: string, s: string) => results.targets[t]?.[s];
  const out = [
    barChart(
      'Throughput per scenario (achieved requests per second)',
      'req/s',
      scenarios,
      seriesOf((t, s) => figure(t, s)?.rps ?? 0, scenarios),
    ),
    barChart(
      'p95 latency per scenario (lower is better)',
      'ms',
      scenarios,
      seriesOf((t, s) => figure(t, s)?.p95_ms ?? 0, scenarios),
    ),
  ];
  if (scenarios.includes('hello')) {
    const percentiles = ['p50', 'p95', 'p99'] as const;
    const value = (t: string, p: string) => {
      const f = figure(t, 'hello');
      return f
        ? { p50: f.p50_ms, p95: f.p95_ms, p99: f.p99_ms }[p as (typeof percentiles)[number]]
        : 0;
    };
    out.push(
      barChart(
        'Latency percentiles of GET /hello/',
        'ms',
        [...percentiles],
        seriesOf(value, [...percentiles]),
      ),
    );
    const timeSeries = (pick: (p: { rps: number; p95_ms: number }) => number): Series[] =>
      targets.map((t, i) => ({
        name: t,
        color: targetColor(t, i),
        values: (results.time_series[t] ?? []).map(pick),
      }));
    out.push(
      lineChart(
        'GET /hello/ over the measured run: requests per second',
        'req/s',
        'seconds',
        timeSeries((p) => p.rps),
      ),
    );
    out.push(
      lineChart(
        'GET /hello/ over the measured run: p95 latency each second',
        'ms',
        'seconds',
        timeSeries((p) => p.p95_ms),
      ),
    );
  }
  return out.join('\n');
}

export function renderHtml(results: Results): string {
  const { machine, settings } = results;
  const title =
    Object.keys(results.targets).length > 1
      ? 'Dev server vs production stack'
      : `Load test of ${Object.keys(results.targets)[0] ?? ''}`;
  const notes = settings.notes.map((note) => `<li>${escape(note)}</li>`).join('');
  const banner = busyBanner(machine.others_cpu);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title><style>${style}</style></head>
<body>
<h1>${escape(title)}</h1>
<p class="sub">${escape(settings.started_at)} · ${escape(machine.k6)} · ${machine.cores} cores (${escape(machine.cpu_model)}), ${machine.memory_gb} GB · node ${escape(machine.node)}</p>
${banner ? `<p class="banner">${escape(banner)}</p>` : ''}
${headlineTable(results)}
${projectionSection(results)}
<h2>The experiments</h2>
${experimentCharts(results.comparison)}
<h2>At fixed arrival rates</h2>
${headline(results)}
${charts(results)}
<h2>All figures</h2>
${table(results)}
<h2>Reading these numbers</h2>
<ul class="notes">${notes}</ul>
<p class="sub">Raw figures: <a href="results.json">results.json</a> · <a href="report.md">report.md</a></p>
</body></html>
`;
}
