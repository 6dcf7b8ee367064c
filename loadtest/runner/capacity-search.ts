/**
 * The highest request rate a target sustains, found by the run: short constant-arrival-rate
 * steps (open model: requests keep arriving whatever the server does), doubling from a low rate
 * until a step fails, then halving the interval between the last passing and the first failing
 * rate. A step passes with p95 within the scenario's budget, under 1% errors and at least 95% of
 * the offered requests started (k6 drops those it has no free virtual user for). Constant steps
 * rather than one ramp: each rate is held long enough for its latency to mean something, and a
 * step's figures are k6's own summary of it.
 *
 * On a machine where k6 shares the cores with the target, k6 may run out of CPU before the
 * target does; the CPU k6 used is measured on every step and the finding says so. The CPU the
 * target's own processes used is measured too, per request, where the run can see them.
 */
import { cpus } from 'node:os';
import { mkdirSync } from 'node:fs';
import { capacityBudgetsMs } from '../report/capacity-budgets.ts';
import type { CapacityFinding, CapacityStep, StepCpu } from '../report/results.ts';
import { k6ErrorMessage, runK6, thresholdsCrossed } from './run-k6.ts';
import { allRequests, readSummary, round } from './scenario-result.ts';
import { coresIn, targetCpu, type TargetCpu } from './target-processes.ts';

export type CapacityScenario = 'hello' | 'mixed';

export const startRates: Record<CapacityScenario, number> = { hello: 200, mixed: 10 };

export interface CapacityOptions {
  k6: string;
  url: string;
  outDir: string;
  env: NodeJS.ProcessEnv;
  stepSeconds: number;
  /** Doubling steps at most, then this many halvings of the interval. */
  maxDoublings: number;
  refinements: number;
  say: (line: string) => void;
  /** The target's root processes, for its CPU; unset for a --target stack. */
  processes?: () => number[];
  /** Cores k6 runs on (a taskset list); unset: any. */
  k6Cores?: string;
}

/**
 * k6 at half the machine's CPU or more, or at 90% of the cores it was pinned to: beyond that
 * the load generator, not the target, is measured.
 */
const k6Saturated = (share: number, k6Cores?: string): boolean =>
  k6Cores === undefined ? share >= 0.5 : share * cpus().length >= 0.9 * coresIn(k6Cores);

function failedOn(step: Omit<CapacityStep, 'passed' | 'failed_on'>, budgetMs: number) {
  if (step.error_rate >= 0.01) return `errors (${(step.error_rate * 100).toFixed(1)}%)`;
  if (step.p95_ms > budgetMs) return `latency (p95 ${step.p95_ms} ms > ${budgetMs} ms)`;
  if (step.achieved_rps < step.offered_rps * 0.95) {
    return `throughput (${step.achieved_rps} of ${step.offered_rps} req/s started)`;
  }
  return null;
}

/** CPU seconds spent between two readings, for `requests` in `wallSeconds`. */
function spent(
  before: TargetCpu,
  after: TargetCpu,
  requests: number,
  wallSeconds: number,
): StepCpu {
  const seconds = (key: keyof TargetCpu) => round(after[key] - before[key], 3);
  return {
    requests,
    wall_s: round(wallSeconds, 3),
    total_s: seconds('total'),
    app_s: seconds('app'),
    nginx_s: seconds('nginx'),
    js_s: seconds('js'),
  };
}

async function runStep(
  scenario: CapacityScenario,
  rate: number,
  options: CapacityOptions,
): Promise<CapacityStep> {
  const cpuBefore = options.processes && targetCpu(options.processes());
  const outcome = await runK6(options.k6, {
    cores: options.k6Cores,
    script: `scenarios/${scenario}.ts`,
    name: `capacity-${scenario}-${rate}`,
    url: options.url,
    outDir: options.outDir,
    timeSeries: false,
    totalSeconds: options.stepSeconds + 1,
    env: {
      ...options.env,
      // The scenarios take their rate as a share of LOADTEST_RATE: hello 1, mixed 0.5.
      LOADTEST_RATE: String(scenario === 'mixed' ? rate * 2 : rate),
      LOADTEST_DURATION: `${options.stepSeconds}s`,
      LOADTEST_WARMUP: '1s',
    },
  });
  if (outcome.exitCode !== 0 && outcome.exitCode !== thresholdsCrossed) {
    throw new Error(
      `k6 could not run ${scenario} against ${options.url} (exit ${outcome.exitCode}, a capacity step): ${k6ErrorMessage(outcome.stderr) ?? 'no output'}`,
    );
  }
  const cpuAfter = options.processes && targetCpu(options.processes());
  const figures = readSummary(outcome.summaryFile, options.stepSeconds);
  const measured = {
    offered_rps: rate,
    achieved_rps: figures.rps,
    p95_ms: figures.p95_ms,
    p99_ms: figures.p99_ms,
    error_rate: figures.error_rate,
    k6_cpu_share: round(outcome.cpuSeconds / outcome.wallSeconds / cpus().length),
    // The whole k6 run, warm-up included, against every request it sent.
    target_cpu:
      cpuBefore && cpuAfter
        ? spent(cpuBefore, cpuAfter, allRequests(outcome.summaryFile), outcome.wallSeconds)
        : null,
  };
  const failed = failedOn(measured, capacityBudgetsMs[scenario]);
  return { ...measured, passed: failed === null, failed_on: failed };
}

export async function searchCapacity(
  scenario: CapacityScenario,
  options: CapacityOptions,
): Promise<CapacityFinding> {
  mkdirSync(options.outDir, { recursive: true });
  const steps: CapacityStep[] = [];
  const step = async (rate: number) => {
    const result = await runStep(scenario, rate, options);
    steps.push(result);
    const cpu = result.target_cpu ? `, the target ${result.target_cpu.total_s} s of CPU` : '';
    options.say(
      `  ${scenario} at ${rate} req/s: ${result.achieved_rps} req/s, p95 ${result.p95_ms} ms, k6 ${Math.round(result.k6_cpu_share * 100)}% of the CPU${cpu}${result.failed_on ? ` — failed on ${result.failed_on}` : ''}`,
    );
    return result;
  };
  let good: CapacityStep | undefined;
  let badRate: number | undefined;
  let bad: CapacityStep | undefined;
  let rate = startRates[scenario];
  for (let i = 0; i < options.maxDoublings && badRate === undefined; i += 1) {
    const result = await step(rate);
    if (result.passed) {
      good = result;
      rate *= 2;
    } else {
      badRate = rate;
      bad = result;
    }
  }
  for (let i = 0; i < options.refinements && good && badRate !== undefined; i += 1) {
    const middle = Math.round((good.offered_rps + badRate) / 2);
    if (middle === good.offered_rps || middle === badRate) break;
    const result = await step(middle);
    if (result.passed) good = result;
    else [badRate, bad] = [middle, result];
  }
  return {
    rps: good ? good.achieved_rps : null,
    p95_ms: good ? good.p95_ms : null,
    p99_ms: good ? good.p99_ms : null,
    stopped_by: stoppedBy(bad, steps, options.k6Cores),
    k6_limited: bad !== undefined && k6Saturated(bad.k6_cpu_share, options.k6Cores),
    steps,
  };
}

function stoppedBy(
  bad: CapacityStep | undefined,
  steps: CapacityStep[],
  k6Cores: string | undefined,
): string {
  if (!bad) {
    const top = steps.at(-1)?.offered_rps ?? 0;
    return `nothing within the search: every step passed, up to ${top} req/s`;
  }
  const reason = bad.failed_on ?? 'an unknown reason';
  return k6Saturated(bad.k6_cpu_share, k6Cores)
    ? `${reason}, with k6 using ${Math.round(bad.k6_cpu_share * 100)}% of the machine's CPU: the load generator ran out of CPU as much as the target`
    : reason;
}
