/**
 * The scenarios and each one's arrival rate, a share of LOADTEST_RATE: a login costs the server a
 * scrypt hash, about a thousand times a /hello/. k6's profiles and the runner both read this file.
 */
export const scenarioNames = ['hello', 'login', 'refresh', 'mixed'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

const rateShare: Record<ScenarioName, number> = {
  hello: 1,
  mixed: 0.5,
  refresh: 0.2,
  login: 0.02,
};

export const rateOfScenario = (scenario: ScenarioName, baseRate: number): number =>
  Math.max(1, Math.round(baseRate * rateShare[scenario]));

/** A run's defaults, for k6 run by hand and for `npm run loadtest` alike. */
export const runDefaults = { rate: 100, duration: '15s', warmup: '3s' };
