/**
 * What a load-test run does, from flags or the environment (flags win): the target, the run
 * length, the arrival rate and the scenarios. Bad values stop the run before anything starts.
 */
import { parseArgs } from 'node:util';
import { ConfigError } from '../../app/src/config/load-config.ts';
import { ConfigValueError, durationSeconds, integerFrom } from '../../app/src/config/parsers.ts';

export const scenarioNames = ['hello', 'login', 'refresh', 'mixed'] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export interface LoadtestSettings {
  /** A deployed stack to load alone; undefined means the local dev server and production stack. */
  target: string | undefined;
  duration: string;
  durationSeconds: number;
  warmup: string;
  warmupSeconds: number;
  rate: number;
  scenarios: ScenarioName[];
}

export const usage = `usage: npm run loadtest -- [--target URL] [--duration 20s] [--rate 100] [--scenarios hello,login,refresh,mixed]
  --target     load a deployed stack alone (LOADTEST_USER and LOADTEST_PASSWORD name its test user)
  --duration   measured time per scenario and target, after a warm-up (LOADTEST_DURATION, default 20s)
  --warmup     warm-up before each measurement, not counted (LOADTEST_WARMUP, default 5s)
  --rate       arrival rate of the hello scenario, per second; the others take a share (LOADTEST_RATE, default 100)
  --scenarios  which scenarios to run (LOADTEST_SCENARIOS, default all)`;

function targetUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigValueError(`expected a URL such as https://api.example.com, got "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigValueError(`expected an http or https URL, got "${raw}"`);
  }
  return url.href.replace(/\/+$/, '');
}

function scenarioList(raw: string): ScenarioName[] {
  const names = raw
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = names.filter((name) => !(scenarioNames as readonly string[]).includes(name));
  if (names.length === 0 || unknown.length > 0) {
    throw new ConfigValueError(`expected some of ${scenarioNames.join(', ')}, got "${raw}"`);
  }
  return names as ScenarioName[];
}

export function readLoadtestSettings(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): LoadtestSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      target: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rate: { type: 'string' },
      scenarios: { type: 'string' },
    },
    strict: true,
  });
  const problems: string[] = [];
  type Flag = keyof typeof values;
  /** The flag's value, else the variable's, else the default; a problem names where it came from. */
  const raw = (flag: Flag, variable: string, fallback: string) =>
    values[flag] ?? (env[variable] || undefined) ?? fallback;
  const read = <T>(flag: Flag, variable: string, fallback: string, parse: (raw: string) => T) => {
    try {
      return parse(raw(flag, variable, fallback));
    } catch (error) {
      const source = values[flag] === undefined ? variable : `--${flag}`;
      problems.push(`${source}: ${(error as Error).message}`);
      return undefined;
    }
  };
  const target =
    raw('target', 'K6_TARGET', '') === '' ? undefined : read('target', 'K6_TARGET', '', targetUrl);
  const duration = raw('duration', 'LOADTEST_DURATION', '20s');
  const warmup = raw('warmup', 'LOADTEST_WARMUP', '5s');
  const durationS = read('duration', 'LOADTEST_DURATION', '20s', durationSeconds);
  const warmupS = read('warmup', 'LOADTEST_WARMUP', '5s', durationSeconds);
  const rate = read('rate', 'LOADTEST_RATE', '100', integerFrom(1, 100_000));
  const scenarios = read('scenarios', 'LOADTEST_SCENARIOS', scenarioNames.join(','), scenarioList);
  if (durationS !== undefined && durationS < 1) problems.push('--duration: must be at least 1s');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    target,
    duration,
    durationSeconds: durationS ?? 0,
    warmup,
    warmupSeconds: warmupS ?? 0,
    rate: rate ?? 0,
    scenarios: scenarios ?? [],
  };
}
