/** Figures and colours the markdown and HTML reports share. */
import type { Results } from './results.ts';

/** A whole number with thousands separated: 12,345. */
export const thousands = (value: number): string => Math.round(value).toLocaleString('en-US');

const palette = ['#2563eb', '#059669', '#7c3aed', '#db2777'];

/** The dev server in amber, the production stack in blue, any other target after them. */
export const targetColor = (target: string, index: number): string =>
  target === 'dev'
    ? '#d97706'
    : target === 'prod'
      ? '#2563eb'
      : (palette[index % palette.length] ?? '#2563eb');

/** prod ÷ dev throughput of a scenario, when both ran it. */
export function throughputRatio(results: Results, scenario: string): number | undefined {
  const dev = results.targets.dev?.[scenario];
  const prod = results.targets.prod?.[scenario];
  return dev && prod && dev.rps > 0 ? prod.rps / dev.rps : undefined;
}

/** dev ÷ prod p95 latency of a scenario: how many times slower the dev server answers. */
export function ratioOf(results: Results, scenario: string): number | undefined {
  const dev = results.targets.dev?.[scenario];
  const prod = results.targets.prod?.[scenario];
  return dev && prod && prod.p95_ms > 0 ? dev.p95_ms / prod.p95_ms : undefined;
}
