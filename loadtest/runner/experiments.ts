/**
 * The four experiments of the headline, per target: capacity (hello and mixed), which runs
 * first, since the fixed rates are chosen from it; then a deploy under load, a crash under load
 * and password guessing. Against a --target stack only capacity runs: the others need a stack
 * the run controls (and would lock out accounts on a real one).
 */
import { join } from 'node:path';
import type { Comparison } from '../report/results.ts';
import { bruteForce } from './brute-force.ts';
import { searchCapacity } from './capacity-search.ts';
import { crashUnderLoad, deployUnderLoad, type SteadyLoad } from './events-under-load.ts';
import type { LocalTargets } from './local-targets.ts';
import { waitForOk } from '../../tools/network.ts';

/** How long each part runs: the defaults, or --quick's short run for tests. */
export interface ExperimentLengths {
  capacityStepSeconds: number;
  capacityDoublings: number;
  capacityRefinements: number;
  eventSeconds: number;
  bruteForceSeconds: number;
}

export const experimentLengths: Record<'full' | 'quick', ExperimentLengths> = {
  full: {
    capacityStepSeconds: 3,
    capacityDoublings: 8,
    capacityRefinements: 2,
    eventSeconds: 15,
    bruteForceSeconds: 15,
  },
  quick: {
    capacityStepSeconds: 2,
    capacityDoublings: 2,
    capacityRefinements: 0,
    eventSeconds: 6,
    bruteForceSeconds: 4,
  },
};

export interface ExperimentRun {
  k6: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The steady traffic's rate for the deploy and crash experiments. */
  rate: number;
  /** The brute-force experiment's guesses a second. */
  attackRate: number;
  lengths: ExperimentLengths;
  say: (line: string) => void;
}

/** What the capacity search needs: no steady rate or attack rate, which it finds out itself. */
export type CapacityRun = Omit<ExperimentRun, 'rate' | 'attackRate'>;

const emptyComparison = (): Comparison => ({
  capacity: {},
  capacity_search: {},
  deploy: {},
  crash: {},
  bruteforce: {},
  projection: null,
  projection_check: {},
  skipped: [],
});

/** What every capacity search of a run shares, whichever target and cores it measures. */
export const searchOptions = (run: CapacityRun) => ({
  k6: run.k6,
  env: run.env,
  stepSeconds: run.lengths.capacityStepSeconds,
  maxDoublings: run.lengths.capacityDoublings,
  refinements: run.lengths.capacityRefinements,
  say: run.say,
});

async function measureCapacity(
  run: CapacityRun,
  target: string,
  url: string,
  processes: (() => number[]) | undefined,
  into: Comparison,
) {
  const options = {
    ...searchOptions(run),
    url,
    outDir: join(run.dir, 'k6', target, 'capacity'),
    processes,
  };
  run.say(
    `${target} · capacity: constant-rate steps of ${options.stepSeconds} s, doubling, then halving the interval`,
  );
  const hello = await searchCapacity('hello', options);
  const mixed = await searchCapacity('mixed', options);
  into.capacity_search[target] = { hello, mixed };
  into.capacity[target] = { hello_rps: hello.rps, mixed_rps: mixed.rps };
  run.say(
    `${target} · capacity: hello ${hello.rps ?? '-'} req/s (stopped by ${hello.stopped_by}), mixed ${mixed.rps ?? '-'} req/s (stopped by ${mixed.stopped_by})`,
  );
}

/**
 * Each target's capacity, searched one target after the other; `processes`, where the run
 * started the targets, lets each step read what a request cost them.
 */
export async function capacities(
  run: CapacityRun,
  urls: Record<string, string>,
  processes?: Record<string, () => number[]>,
): Promise<Comparison> {
  const comparison = emptyComparison();
  for (const [target, url] of Object.entries(urls)) {
    await measureCapacity(run, target, url, processes?.[target], comparison);
  }
  return comparison;
}

/** What a --target run leaves out, and why. */
export function remoteEvents(comparison: Comparison): void {
  comparison.skipped.push(
    'deploy, crash and brute force: they need a stack this run starts and controls (a deploy, a kill, and logins an attacker would lock out), not --target',
  );
}

/** A deploy, a crash and password guessing, on each local target, into `comparison`. */
export async function localEvents(
  run: ExperimentRun,
  local: LocalTargets,
  comparison: Comparison,
): Promise<void> {
  for (const target of ['dev', 'prod'] as const) {
    const url = local.urls[target];
    const controls = local.controls[target];
    const load: SteadyLoad = {
      k6: run.k6,
      url,
      outDir: join(run.dir, 'k6', target, 'events'),
      env: run.env,
      seconds: run.lengths.eventSeconds,
      rate: run.rate,
    };
    run.say(`${target} · deploy under load: ${controls.deployment}, at ${run.rate} req/s`);
    const deploy = await deployUnderLoad(load, () => controls.deploy(), controls.deployment);
    await waitForOk(`${url}/readyz`, 60_000);
    comparison.deploy[target] = deploy;
    run.say(
      `${target} · deploy: ${deploy.failed} of ${deploy.requests} requests failed, longest gap ${deploy.longest_gap_ms} ms`,
    );
    const guessing = async () => {
      if (target === 'prod') await local.restoreStackLimits();
      run.say(
        `${target} · brute force: ${run.attackRate} guesses a second from 127.0.0.3, a user logging in from 127.0.0.2 (first alone, as the baseline)`,
      );
      const figures = await bruteForce({
        k6: run.k6,
        url,
        outDir: join(run.dir, 'k6', target, 'brute-force'),
        env: run.env,
        seconds: run.lengths.bruteForceSeconds,
        attackRate: run.attackRate,
      });
      comparison.bruteforce[target] = figures;
      run.say(
        `${target} · brute force: ${figures.attempts} guesses, ${figures.hashed} hashed, ${figures.refused} refused; the other user's login p95 ${figures.legit_p95_ms} ms, ${figures.idle_p95_ms} ms with no attack`,
      );
    };
    const crash = async () => {
      run.say(`${target} · crash under load: ${controls.crash}`);
      const figures = await crashUnderLoad(load, () => controls.kill(), controls.crash);
      comparison.crash[target] = figures;
      run.say(
        `${target} · crash: ${figures.failed} of ${figures.requests} requests failed, ${figures.recovered_ms === null ? 'never answered again' : `answering again after ${figures.recovered_ms} ms`}`,
      );
    };
    // The dev server stays down after its crash, so it is last there; the stack's brute force
    // needs nginx's own limits back, which the load runs lift, so it is last there.
    if (target === 'dev') {
      await guessing();
      await crash();
    } else {
      await crash();
      await guessing();
    }
  }
}
