/**
 * The rate the fixed-rate scenarios run at, on every target alike: the one given with --rate,
 * or one every target can serve, from the capacity search that ran first. Each scenario then
 * runs at no more than half of what the slower target sustained for it, so a crossed threshold
 * is a finding about a target, not about a default set for another machine.
 */
import { rateOfScenario, runDefaults, type ScenarioName } from '../k6/lib/scenarios.ts';
import { startRates } from './capacity-search.ts';

export interface MeasuredCapacity {
  hello_rps: number | null;
  mixed_rps: number | null;
}

export interface RateChoice {
  /** LOADTEST_RATE: the hello scenario's rate; the others take their share of it. */
  base: number;
  /**
   * The deploy and crash experiments' steady traffic, GET /hello/ with refresh chains beside
   * it: runDefaults.rate (100/s), or half the slower hello capacity where that is lower.
   */
  steady: number;
  /** Why this rate, in a sentence for the report. */
  why: string;
}

/** A search that failed its first step found a capacity below it: half that step is assumed. */
const ceilingOf = (rps: number | null, firstStep: number) => rps ?? firstStep / 2;

export function chooseRate(
  capacities: Record<string, MeasuredCapacity>,
  given: number | undefined,
  scenarios: readonly ScenarioName[],
): RateChoice {
  const rates = (base: number) =>
    scenarios.map((scenario) => `${scenario} ${rateOfScenario(scenario, base)}/s`).join(', ');
  if (given !== undefined) {
    return {
      base: given,
      steady: given,
      why: `Fixed rates as given with --rate ${given}: ${rates(given)}; the deploy and crash traffic at ${given}/s.`,
    };
  }
  const slowest = (key: keyof MeasuredCapacity, firstStep: number) => {
    const [target, rps] = Object.entries(capacities)
      .map(([name, capacity]) => [name, ceilingOf(capacity[key], firstStep)] as const)
      .sort(([, a], [, b]) => a - b)[0] ?? ['none', firstStep / 2];
    const measured = capacities[target]?.[key] ?? null;
    return {
      rps,
      said: `${target} ${measured === null ? `below the first step of ${firstStep}` : measured} req/s`,
    };
  };
  const hello = slowest('hello_rps', startRates.hello);
  const mixed = slowest('mixed_rps', startRates.mixed);
  // hello runs at the base rate and mixed at half of it: each at most half its capacity.
  const base = Math.max(1, Math.floor(Math.min(hello.rps / 2, mixed.rps)));
  // The steady traffic is mostly /hello/: bounded by hello's capacity alone.
  const steady = Math.max(1, Math.floor(Math.min(runDefaults.rate, hello.rps / 2)));
  return {
    base,
    steady,
    why: `Fixed rates chosen from the capacity search, half of what the slower target sustained (hello: ${hello.said}; mixed: ${mixed.said}): ${rates(base)}; the deploy and crash traffic at ${steady}/s. Give --rate to set them.`,
  };
}
