/**
 * Each scenario's arrival rate, a share of LOADTEST_RATE: a login costs the server a scrypt hash,
 * about a thousand times a /hello/. loadtest/k6/lib/profiles.ts applies the same shares inside k6.
 */
import type { ScenarioName } from './loadtest-settings.ts';

export const rateShare: Record<ScenarioName, number> = {
  hello: 1,
  mixed: 0.5,
  refresh: 0.2,
  login: 0.02,
};

export const rateOfScenario = (scenario: ScenarioName, baseRate: number): number =>
  Math.max(1, Math.round(baseRate * rateShare[scenario]));
