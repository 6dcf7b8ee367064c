/** report.md, and the comparison table the runner prints: the same rows. */
import type { Results } from './results.ts';
import { ratioOf, throughputRatio } from './report-figures.ts';

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
  return [header, header.map(() => '---'), ...rows]
    .map((cells) => `| ${cells.join(' | ')} |`)
    .join('\n');
}

export function renderMarkdown(results: Results): string {
  const { machine, settings } = results;
  return `# Load test, ${settings.started_at}

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
