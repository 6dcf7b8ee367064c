/**
 * What a load-test run does, from flags or the environment (flags win): the target, the run
 * length, the arrival rate and the scenarios. One schema, read like the app's settings: bad
 * values stop the run before anything starts, one line each, naming the flag or the variable.
 */
import { parseArgs } from 'node:util';
import {
  ConfigError,
  ConfigValueError,
  durationSeconds,
  integerFrom,
  optional,
  readSettings,
  setting,
  type Schema,
} from '../../settings/index.ts';
import { runDefaults, scenarioNames, type ScenarioName } from '../k6/lib/scenarios.ts';

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

/** k6 takes the length as written; the runner needs it in seconds too. */
const runLength = (raw: string) => ({ text: raw.trim(), seconds: durationSeconds(raw) });

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

/** Each key is also a flag: `--duration 1m` wins over LOADTEST_DURATION. */
export const loadtestSchema = {
  target: optional({
    env: 'K6_TARGET',
    doc: 'A deployed stack to load alone; unset: the local dev server and production stack.',
    parse: targetUrl,
  }),
  duration: setting({
    env: 'LOADTEST_DURATION',
    doc: 'Measured time per scenario and target, after the warm-up.',
    parse: runLength,
    default: runLength(runDefaults.duration),
  }),
  warmup: setting({
    env: 'LOADTEST_WARMUP',
    doc: 'Warm-up before each measurement at half the rate, left out of the figures.',
    parse: runLength,
    default: runLength(runDefaults.warmup),
  }),
  rate: optional({
    env: 'LOADTEST_RATE',
    doc: 'Arrival rate of the hello scenario, per second; the others take a share of it. Unset: chosen from the capacity search, which runs first (half of what the slower target sustained).',
    parse: integerFrom(1, 100_000),
  }),
  attackRate: setting({
    env: 'LOADTEST_ATTACK_RATE',
    doc: "The brute-force experiment's password guesses per second, the same on every target: low enough for k6 to send without taking the targets' cores.",
    parse: integerFrom(1, 10_000),
    default: 100,
  }),
  coresForProjection: setting({
    env: 'LOADTEST_CORES_FOR_PROJECTION',
    doc: 'The report projects each target’s capacity to a host with this many cores for the server, beside this machine’s own count, from the CPU a request cost here.',
    parse: integerFrom(1, 1024),
    default: 8,
  }),
  scenarios: setting({
    env: 'LOADTEST_SCENARIOS',
    doc: `Which scenarios to run, comma-separated: some of ${scenarioNames.join(', ')}.`,
    parse: scenarioList,
    default: [...scenarioNames],
  }),
};

/** Not flags: the test user of a --target stack, which holds its own users. */
export const targetUserSchema = {
  user: optional({
    env: 'LOADTEST_USER',
    doc: 'With --target: a user of that stack (`npm run users -- add loadtest` there).',
    parse: (raw: string) => raw,
  }),
  password: optional({
    env: 'LOADTEST_PASSWORD',
    doc: "With --target: that user's password.",
    parse: (raw: string) => raw,
  }),
};

/** A setting's flag: its key in kebab case (`attackRate` → `--attack-rate`). */
export const flagOf = (key: string): string =>
  `--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export const usage = `usage: npm run loadtest -- [--target URL] [--duration ${runDefaults.duration}] [--warmup ${runDefaults.warmup}] [--rate N] [--scenarios ${scenarioNames.join(',')}] [--strict] [--quick]
${Object.entries(loadtestSchema)
  .map(([key, s]) => `  ${flagOf(key).padEnd(23)} ${s.doc} (${s.env})`)
  .join('\n')}
  --strict                Exit 99, as k6 does, when a scenario crosses a latency threshold
                          (a finding reported either way; errors and dropped requests always
                          fail the run).
  --quick                 Short experiments (capacity, deploy, crash, brute force), for a test run.`;

export interface LoadtestSettings {
  /** A deployed stack to load alone; undefined means the local dev server and production stack. */
  target: string | undefined;
  duration: string;
  durationSeconds: number;
  warmup: string;
  warmupSeconds: number;
  /** Given with --rate; undefined: chosen from the capacity search. */
  rate: number | undefined;
  attackRate: number;
  /** The host size the report projects capacity to, besides this machine's. */
  coresForProjection: number;
  scenarios: ScenarioName[];
  /** Latency thresholds crossed fail the run (99). */
  strict: boolean;
  /** Short experiments, for tests. */
  quick: boolean;
}

export function readLoadtestSettings(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): LoadtestSettings {
  const flags = Object.fromEntries(
    Object.keys(loadtestSchema).map((key) => [flagOf(key).slice(2), { type: 'string' as const }]),
  );
  const { values } = parseArgs({
    args: argv,
    options: {
      ...flags,
      quick: { type: 'boolean' as const },
      strict: { type: 'boolean' as const },
    },
    strict: true,
  });
  const quick = values.quick === true;
  const strict = values.strict === true;
  // A value given as a flag is read, and reported, under the flag's name.
  const given = Object.fromEntries(
    Object.entries(values as Record<string, unknown>).flatMap(([flag, value]) =>
      typeof value === 'string' ? [[`--${flag}`, value]] : [],
    ),
  );
  const schema: Schema = Object.fromEntries(
    Object.entries(loadtestSchema).map(([key, s]) => [
      key,
      flagOf(key) in given ? { ...s, env: flagOf(key) } : s,
    ]),
  );
  const problems: string[] = [];
  const read = readSettings(
    schema as typeof loadtestSchema,
    { ...env, ...given },
    'production',
    problems,
  );
  // A bad value reads as undefined: only a duration that parsed is compared.
  if (!problems.some((p) => /DURATION|--duration/.test(p)) && read.duration.seconds < 1)
    problems.push('--duration: must be at least 1s');
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    target: read.target,
    duration: read.duration.text,
    durationSeconds: read.duration.seconds,
    warmup: read.warmup.text,
    warmupSeconds: read.warmup.seconds,
    rate: read.rate,
    attackRate: read.attackRate,
    coresForProjection: read.coresForProjection,
    scenarios: read.scenarios,
    strict,
    quick,
  };
}
