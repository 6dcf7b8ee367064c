/**
 * Runs one scenario against one target with k6, showing progress, and returns where k6 wrote its
 * summary (and, for the time-series chart, its per-request CSV).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../tools/project-root.ts';
import type { ScenarioName } from '../k6/lib/scenarios.ts';

export interface K6Run {
  scenario: ScenarioName;
  url: string;
  outDir: string;
  /** Also write every sample to CSV, for the time-series chart. */
  timeSeries: boolean;
  env: NodeJS.ProcessEnv;
  totalSeconds: number;
  onProgress: (elapsedSeconds: number) => void;
}

export interface K6Outcome {
  exitCode: number;
  summaryFile: string;
  csvFile: string | undefined;
  /** What k6 said on stderr, for errors (setup failures, script exceptions). */
  stderr: string;
}

/** k6 exits 99 when a threshold is crossed, and 107/108 when setup() or the script failed. */
export const thresholdsCrossed = 99;

export function runK6(binary: string, run: K6Run): Promise<K6Outcome> {
  const summaryFile = join(run.outDir, `summary-${run.scenario}.json`);
  const csvFile = run.timeSeries ? join(run.outDir, `samples-${run.scenario}.csv`) : undefined;
  const args = ['run', '--quiet', '--no-color', ...(csvFile ? ['--out', `csv=${csvFile}`] : [])];
  args.push(join(projectRoot, 'loadtest', 'k6', 'scenarios', `${run.scenario}.ts`));
  const child = spawn(binary, args, {
    env: { ...process.env, ...run.env, K6_TARGET: run.url, SUMMARY_FILE: summaryFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const started = Date.now();
  const ticker = setInterval(() => {
    run.onProgress(Math.min(run.totalSeconds, (Date.now() - started) / 1000));
  }, 1000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(ticker);
      resolve({ exitCode: code ?? 1, summaryFile, csvFile, stderr });
    });
  });
}
