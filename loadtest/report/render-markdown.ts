/** report.md, and the comparison table the runner prints: the same rows. */
import { busyBanner } from './busy-banner.ts';
import { capacityBudgetsMs } from './capacity-budgets.ts';
import type { Results } from './results.ts';
import { ratioOf, thousands, throughputRatio } from './report-figures.ts';
import {
  projectionCheckRows,
  projectionFormulas,
  projectionHeadlineRows,
  projectionRows,
  projectionWords,
  type Rows,
} from './projection-tables.ts';

export function comparisonTable(results: Results): string {
  const targets = Object.keys(results.targets);
  const both = targets.includes('dev') && targets.includes('prod');
  const header = [
    'scenario',
    ...targets.flatMap((t) => [`${t} req/s`, `${t} p95 ms`, `${t} errors`]),
  ];
  if (both) header.push('prod/dev req/s', 'dev/prod p95');
  const rows = results.settings.scenarios.map((scenario) => {
    const cells = [scenario];
    for (const t of targets) {
      const f = results.targets[t]?.[scenario];
      cells.push(
        f ? String(f.rps) : '-',
        f ? String(f.p95_ms) : '-',
        f ? `${(f.error_rate * 100).toFixed(2)}%` : '-',
      );
    }
    if (both) {
      cells.push(
        `${throughputRatio(results, scenario)?.toFixed(2) ?? '-'}x`,
        `${ratioOf(results, scenario)?.toFixed(2) ?? '-'}x`,
      );
    }
    return cells;
  });
  return markdownTable({ header, rows });
}

/** How many times the first is the second: the attack's cost to someone else's login. */
const ratioText = (value: number, base: number) =>
  base > 0 ? `${(value / base).toFixed(1)}×` : '-';
const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;

/** The four experiments, dev vs production: the first thing the report and the run show. */
export function headlineRows(results: Results): { header: string[]; rows: string[][] } {
  const { comparison } = results;
  const targets = Object.keys(comparison.capacity);
  const header = ['', ...targets, ...(targets.length === 2 ? ['prod vs dev'] : [])];
  const times = (dev: number | null | undefined, prod: number | null | undefined) =>
    dev && prod ? `${(prod / dev).toFixed(1)}×` : '-';
  const row = (label: string, cell: (t: string) => string, versus = '') => [
    label,
    ...targets.map(cell),
    ...(targets.length === 2 ? [versus] : []),
  ];
  const capacity = (t: string, key: 'hello_rps' | 'mixed_rps') => {
    const rps = comparison.capacity[t]?.[key];
    return rps === null || rps === undefined ? 'below the first step' : `${thousands(rps)} req/s`;
  };
  const rows = [
    row(
      `capacity, GET /hello/ (p95 ≤ ${capacityBudgetsMs.hello} ms)`,
      (t) => capacity(t, 'hello_rps'),
      times(comparison.capacity.dev?.hello_rps, comparison.capacity.prod?.hello_rps),
    ),
    row(
      `capacity, mixed (p95 ≤ ${capacityBudgetsMs.mixed} ms)`,
      (t) => capacity(t, 'mixed_rps'),
      times(comparison.capacity.dev?.mixed_rps, comparison.capacity.prod?.mixed_rps),
    ),
  ];
  if (Object.keys(comparison.deploy).length > 0) {
    rows.push(
      row('failed requests during a deploy', (t) => {
        const d = comparison.deploy[t];
        return d
          ? `${thousands(d.failed)} of ${thousands(d.requests)}, longest gap ${seconds(d.longest_gap_ms)}`
          : '-';
      }),
      row('failed requests after a crash', (t) => {
        const c = comparison.crash[t];
        if (!c) return '-';
        const back =
          c.recovered_ms === null
            ? 'never answered again'
            : `answering after ${seconds(c.recovered_ms)}`;
        // Only where it came back: a server that stays down fails everything after its death.
        const held =
          c.lost_in_flight > 0 && c.recovered_ms !== null
            ? ` (${thousands(c.lost_in_flight)} a refresh the killed process held)`
            : '';
        return `${thousands(c.failed)} of ${thousands(c.requests)}${held}, ${back}`;
      }),
      row('brute force: guesses hashed', (t) => {
        const b = comparison.bruteforce[t];
        return b
          ? `${thousands(b.hashed)} of ${thousands(b.attempts)} (${thousands(b.refused)} refused)`
          : '-';
      }),
      row("brute force: the other user's login p95, attacked vs not", (t) => {
        const b = comparison.bruteforce[t];
        return b
          ? `${thousands(b.legit_p95_ms)} vs ${thousands(b.idle_p95_ms)} ms (${ratioText(b.legit_p95_ms, b.idle_p95_ms)})`
          : '-';
      }),
    );
  }
  for (const { label, cells, versus } of projectionHeadlineRows(comparison, targets)) {
    rows.push([label, ...cells, ...(targets.length === 2 ? [versus] : [])]);
  }
  return { header, rows };
}

export const markdownTable = ({ header, rows }: Rows): string =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');

export function headlineTable(results: Results): string {
  const skipped = results.comparison.skipped.map((line) => `\nNot run: ${line}.`);
  return [markdownTable(headlineRows(results)), ...skipped].join('\n');
}

/** Capacity per core, projected to bigger hosts, and the projection's check: the report's section. */
export function projectionSection(results: Results): string {
  const projection = projectionRows(results.comparison);
  if (!projection) return '';
  const check = projectionCheckRows(results.comparison);
  return `## ${projectionWords.title}

${projectionWords.intro}

${markdownTable(projection)}

${projectionFormulas(results.comparison)
  .map((line) => `- ${line}`)
  .join('\n')}
${check ? `\n${projectionWords.check}\n\n${markdownTable(check)}\n` : ''}`;
}

export function renderMarkdown(results: Results): string {
  const { machine, settings } = results;
  const banner = busyBanner(machine.others_cpu);
  return `# Load test, ${settings.started_at}
${banner ? `\n> **${banner}**\n` : ''}
${headlineTable(results)}

${projectionSection(results)}
At fixed arrival rates:

${comparisonTable(results)}

Targets: ${Object.entries(results.urls)
    .map(([name, url]) => `${name} ${url}`)
    .join(', ')}.
Machine: ${machine.cores} cores (${machine.cpu_model}), ${machine.memory_gb} GB, node ${machine.node}, ${machine.nginx ?? 'no nginx'}, ${machine.k6}, pm2 instances: ${machine.pm2_instances ?? '-'}.
Run: ${settings.executor}, ${settings.warmup_s} s warm-up (not counted) then ${settings.duration_s} s measured per scenario; arrival rates per second: ${Object.entries(
    settings.rates_per_s,
  )
    .map(([s, r]) => `${s} ${r}`)
    .join(', ')}.

${settings.notes.map((note) => `- ${note}`).join('\n')}
`;
}
