/**
 * Reads Prometheus's text format (what /metrics answers) into samples: enough of it for the ops
 * view, which reads only the series this project writes. Comments and blank lines are skipped.
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  /** When the value was taken, in ms: Prometheus's federation says so, a live endpoint not. */
  timestamp?: number;
}

const sampleLine = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?/;
const labelPair = /([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g;

export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const match = sampleLine.exec(line);
    if (!match) continue;
    const [, name = '', labelText = '', raw = '', timestamp] = match;
    const labels: Record<string, string> = {};
    for (const [, key = '', value = ''] of labelText.matchAll(labelPair)) {
      labels[key] = value.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
    }
    samples.push({
      name,
      labels,
      value: Number(raw),
      ...(timestamp === undefined ? {} : { timestamp: Number(timestamp) }),
    });
  }
  return samples;
}

/** The sum of a series' samples whose labels pass `keep`. */
export function total(
  samples: Sample[],
  name: string,
  keep: (labels: Record<string, string>) => boolean = () => true,
): number {
  return samples
    .filter((sample) => sample.name === name && keep(sample.labels))
    .reduce((sum, sample) => sum + sample.value, 0);
}
