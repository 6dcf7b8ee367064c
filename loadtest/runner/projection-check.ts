/**
 * The projection set against what this machine measures. Each local target is pinned to one
 * core with taskset, k6 to another, and its capacity searched again: the projection for one
 * core, from the CPU a request cost in the main search, is the prediction. The main search,
 * where the target shared every core with k6, is checked too, against the cores k6 left it.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { projectedRps, shapes } from '../report/capacity-projection.ts';
import type {
  CapacityFinding,
  CapacityStep,
  Comparison,
  ProjectionCheckRow,
} from '../report/results.ts';
import { searchCapacity, type CapacityOptions, type CapacityScenario } from './capacity-search.ts';
import { searchOptions, type CapacityRun } from './experiments.ts';
import type { LocalTargets } from './local-targets.ts';
import { round } from './scenario-result.ts';
import { allCores, pinTarget } from './target-processes.ts';

const scenarios: CapacityScenario[] = ['hello', 'mixed'];

/** The step that ended a search: the lowest rate that failed, or the highest when none did. */
function endingStep(finding: CapacityFinding): CapacityStep | undefined {
  const failed = finding.steps.filter((step) => !step.passed);
  const byRate = (a: CapacityStep, b: CapacityStep) => a.offered_rps - b.offered_rps;
  return failed.length > 0 ? failed.sort(byRate)[0] : [...finding.steps].sort(byRate).at(-1);
}

/** Cores the target and k6 kept busy at the step that ended `finding`. */
function coresUsed(finding: CapacityFinding) {
  const step = endingStep(finding);
  const cpu = step?.target_cpu;
  return {
    target_cores_used: cpu && cpu.wall_s > 0 ? round(cpu.total_s / cpu.wall_s, 1) : null,
    k6_cores_used: round((step?.k6_cpu_share ?? 0) * cpus().length, 1),
  };
}

/** The searches with the target on core 0 and k6 on core 1, then every core given back. */
async function pinnedSearches(
  options: Omit<CapacityOptions, 'outDir'>,
  roots: () => number[],
  outDir: string,
): Promise<Record<CapacityScenario, CapacityFinding>> {
  pinTarget(roots(), '0');
  try {
    const pinned = { ...options, outDir, k6Cores: '1' };
    return {
      hello: await searchCapacity('hello', pinned),
      mixed: await searchCapacity('mixed', pinned),
    };
  } finally {
    pinTarget(roots(), allCores());
  }
}

/** `othersShare`: the machine's share other processes took so far, which the targets did not get. */
export async function checkProjection(
  run: CapacityRun,
  local: LocalTargets,
  comparison: Comparison,
  othersShare: number,
): Promise<void> {
  const machineCores = cpus().length;
  if (machineCores < 2) {
    comparison.skipped.push(
      `the projection's check: it pins a target to one core and k6 to another, and this machine has ${machineCores}`,
    );
    return;
  }
  for (const target of ['dev', 'prod'] as const) {
    const shape = shapes[target];
    const main = comparison.capacity_search[target];
    if (!main) continue;
    run.say(`${target} · projection check: the target on core 0 alone (taskset), k6 on core 1`);
    const pinned = await pinnedSearches(
      { ...searchOptions(run), url: local.urls[target], processes: local.processes[target] },
      local.processes[target],
      join(run.dir, 'k6', target, 'projection-check'),
    );
    const rows: Partial<Record<CapacityScenario, ProjectionCheckRow[]>> = {};
    for (const scenario of scenarios) {
      // The cost the projection drew, so the check tests that same figure.
      const cost = comparison.projection?.targets[target]?.[scenario]?.cost;
      if (!cost) continue;
      const k6Cores = round(machineCores * cost.k6_cpu_share, 1);
      const otherCores = round(machineCores * othersShare, 1);
      const left = Math.max(0.1, round(machineCores - k6Cores - otherCores, 1));
      const others = otherCores >= 0.1 ? `, other processes ${String(otherCores)}` : '';
      const row = (setup: string, cores: number, finding: CapacityFinding) => ({
        setup,
        cores,
        predicted_rps: projectedRps(shape, cost, cores),
        measured_rps: finding.rps,
        lower_bound: finding.steps.every((step) => step.passed),
        stopped_by: finding.stopped_by,
        k6_limited: finding.k6_limited,
        ...coresUsed(finding),
      });
      rows[scenario] = [
        row('1 core (taskset), k6 on another', 1, pinned[scenario]),
        row(
          `${String(machineCores)} cores shared: k6 took ${String(k6Cores)}${others}`,
          left,
          main[scenario],
        ),
      ];
    }
    comparison.projection_check[target] = rows;
  }
}
