/**
 * Runs one k6 script (a scenario, or an experiment's traffic) against one target, showing
 * progress, and returns where k6 wrote its summary (and, when asked, its per-request CSV, with
 * millisecond timestamps) and the CPU k6 itself used.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../tools/project-root.ts';
import { waitedChildrenCpuSeconds } from '../../tools/process-cpu.ts';

export interface K6Run {
  /** Under loadtest/k6/: `scenarios/hello.ts`, `experiments/steady-traffic.ts`. */
  script: string;
  /** Names the output files in outDir. */
  name: string;
  url: string;
  outDir: string;
  /** Also write every sample to CSV, for the time series. */
  timeSeries: boolean;
  env: NodeJS.ProcessEnv;
  totalSeconds: number;
  onProgress?: (elapsedSeconds: number) => void;
  /** More of k6's flags, such as --local-ips. */
  flags?: string[];
  /** Cores k6 may run on, as taskset lists them ("1"); unset: any. */
  cores?: string;
}

export interface K6Outcome {
  exitCode: number;
  summaryFile: string;
  csvFile: string | undefined;
  /** What k6 said on stderr, for errors (setup failures, script exceptions). */
  stderr: string;
  /** CPU seconds k6 used: on a shared machine, the load generator's share of the cores. */
  cpuSeconds: number;
  wallSeconds: number;
}

/** k6 exits 99 when a threshold is crossed, and 107/108 when setup() or the script failed. */
export const thresholdsCrossed = 99;

export function runK6(binary: string, run: K6Run): Promise<K6Outcome> {
  const summaryFile = join(run.outDir, `summary-${run.name}.json`);
  const csvFile = run.timeSeries ? join(run.outDir, `samples-${run.name}.csv`) : undefined;
  const args = ['run', '--quiet', '--no-color', ...(csvFile ? ['--out', `csv=${csvFile}`] : [])];
  args.push(...(run.flags ?? []), join(projectRoot, 'loadtest', 'k6', run.script));
  // k6 is the only child the runner waits for while it runs: what its children used grows by k6's.
  const cpuBefore = waitedChildrenCpuSeconds();
  // taskset execs k6 in its own place: still the one child waited for.
  const [command, commandArgs] = run.cores
    ? ['taskset', ['--cpu-list', run.cores, binary, ...args]]
    : [binary, args];
  const child = spawn(command, commandArgs, {
    env: {
      ...process.env,
      ...run.env,
      K6_TARGET: run.url,
      SUMMARY_FILE: summaryFile,
      K6_CSV_TIME_FORMAT: 'unix_milli',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const started = Date.now();
  const ticker = setInterval(() => {
    run.onProgress?.(Math.min(run.totalSeconds, (Date.now() - started) / 1000));
  }, 1000);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(ticker);
      resolve({
        exitCode: code ?? 1,
        summaryFile,
        csvFile,
        stderr,
        cpuSeconds: waitedChildrenCpuSeconds() - cpuBefore,
        wallSeconds: (Date.now() - started) / 1000,
      });
    });
  });
}

/** The message of k6's first error line (a failed setup(), a script exception), unescaped. */
export function k6ErrorMessage(stderr: string): string | undefined {
  const quoted = /level=error msg="((?:[^"\\]|\\.)*)"/.exec(stderr)?.[1];
  if (quoted === undefined) return stderr.trim().split('\n').pop() || undefined;
  const message = quoted.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  return message.replace(/^GoError: /, '').split('\n')[0];
}
