/**
 * A typed setting read from one environment variable, and the reader for a whole schema of them.
 * Each part has a schema of its own: the app (app/src/config/settings.ts), the host stack, nginx,
 * the Pulumi program, the load test.
 */
import { ConfigValueError, type Parser } from './parsers.ts';

export const nodeEnvs = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof nodeEnvs)[number];

export interface Setting<T> {
  env: string;
  doc: string;
  parse: Parser<T>;
  /** A value, or one that depends on NODE_ENV. */
  default: T | ((nodeEnv: NodeEnv) => T);
  /** How the settings reference states the default, where the value depends on the machine. */
  defaultText?: string;
}

/** A setting with no default: unset means "not used". */
export interface OptionalSetting<T> {
  env: string;
  doc: string;
  parse: Parser<T>;
  optional: true;
}

// The type comes from the parser alone (NoInfer): a default cannot widen it.
export const setting = <T>(
  s: Omit<Setting<T>, 'default'> & { default: NoInfer<Setting<T>['default']> },
): Setting<T> => s;
export const optional = <T>(s: Omit<OptionalSetting<T>, 'optional'>): OptionalSetting<T> => ({
  ...s,
  optional: true,
});
export const inProduction = (nodeEnv: NodeEnv) => nodeEnv === 'production';

export type Schema = Record<string, Setting<unknown> | OptionalSetting<unknown>>;

/** The typed values of a schema: optional settings may be undefined. */
export type ValuesOf<S> = {
  [K in keyof S]: S[K] extends OptionalSetting<infer T>
    ? T | undefined
    : S[K] extends Setting<infer T>
      ? T
      : never;
};

/** A setting's default under `nodeEnv`. */
export const defaultOf = <T>(s: Setting<T>, nodeEnv: NodeEnv): T =>
  typeof s.default === 'function' ? (s.default as (n: NodeEnv) => T)(nodeEnv) : s.default;

function readSetting(
  s: Setting<unknown> | OptionalSetting<unknown>,
  env: NodeJS.ProcessEnv,
  nodeEnv: NodeEnv,
  problems: string[],
): unknown {
  const raw = env[s.env];
  if (raw === undefined || raw === '') {
    if ('optional' in s) return undefined;
    return defaultOf(s, nodeEnv);
  }
  try {
    return s.parse(raw);
  } catch (error) {
    if (!(error instanceof ConfigValueError)) throw error;
    problems.push(`${s.env}: ${error.message}`);
    return undefined;
  }
}

/** Reads every setting of `schema`; each bad value adds a line naming its variable to `problems`. */
export function readSettings<S extends Schema>(
  schema: S,
  env: NodeJS.ProcessEnv,
  nodeEnv: NodeEnv,
  problems: string[],
): ValuesOf<S> {
  const entries = Object.entries(schema).map(([key, s]) => [
    key,
    readSetting(s, env, nodeEnv, problems),
  ]);
  return Object.fromEntries(entries) as ValuesOf<S>;
}
