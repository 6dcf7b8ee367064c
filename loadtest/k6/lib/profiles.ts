/**
 * The load profiles and thresholds, in one place; the scenarios only name theirs.
 *
 * Open model: constant-arrival-rate starts iterations at a fixed rate whatever the server does, so
 * a slow server cannot slow the load down (it shows as latency and dropped iterations instead).
 * A warm-up at half the rate runs first; only the `measure` scenario counts.
 * https://grafana.com/docs/k6/latest/using-k6/scenarios/executors/constant-arrival-rate/
 */
import type { Options } from 'k6/options';
import { rateOfScenario, runDefaults, type ScenarioName } from './scenarios.ts';

const baseRate = Number(__ENV.LOADTEST_RATE ?? runDefaults.rate);
const duration = __ENV.LOADTEST_DURATION ?? runDefaults.duration;
const warmup = __ENV.LOADTEST_WARMUP ?? runDefaults.warmup;

/** p95 budgets in ms: generous, they catch a server in trouble rather than grade one. */
const p95BudgetMs: Record<ScenarioName, number> = {
  hello: 1000,
  mixed: 5000,
  refresh: 2000,
  login: 5000,
};

/**
 * The requests a scenario is measured by: all of the measured phase, except in `refresh`, whose
 * virtual users log in once to start their chain; those logins are left out of its figures.
 */
const measured: Record<ScenarioName, string> = {
  hello: 'scenario:measure',
  login: 'scenario:measure',
  refresh: 'scenario:measure,name:refresh',
  mixed: 'scenario:measure',
};

export const rateOf = (scenario: ScenarioName) => rateOfScenario(scenario, baseRate);

export function optionsFor(scenario: ScenarioName, extra: Partial<Options> = {}): Options {
  const rate = rateOf(scenario);
  const vus = Math.max(10, Math.ceil(rate / 10));
  const arrival = {
    executor: 'constant-arrival-rate' as const,
    timeUnit: '1s',
    preAllocatedVUs: vus,
    maxVUs: vus * 10,
  };
  return {
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(95)', 'p(99)'],
    scenarios: {
      warmup: {
        ...arrival,
        rate: Math.max(1, Math.round(rate / 2)),
        duration: warmup,
        // In-flight iterations finish: a refresh cut off mid-request has rotated on the server
        // while its virtual user keeps the old token, and the next use would count as reuse.
        gracefulStop: '10s',
      },
      measure: { ...arrival, rate, duration, startTime: warmup },
    },
    thresholds: {
      // A broken run fails: more than 1% errors, or a p95 beyond the budget.
      [`http_req_failed{${measured[scenario]}}`]: ['rate<0.01'],
      [`http_req_duration{${measured[scenario]}}`]: [`p(95)<${p95BudgetMs[scenario]}`],
      // Listed so the summary carries the measured requests apart from the warm-up.
      [`http_reqs{${measured[scenario]}}`]: ['count>0'],
      'dropped_iterations{scenario:measure}': ['count>=0'],
    },
    ...extra,
  };
}
