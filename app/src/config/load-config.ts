/**
 * Reads the settings from the environment once, at start-up. Every bad value is reported on a line
 * of its own that names the variable, and nothing starts until all of them are right.
 */
import { existsSync } from 'node:fs';
import { ConfigValueError } from './parsers.ts';
import {
  settings,
  type Config,
  type NodeEnv,
  type OptionalSetting,
  type Setting,
} from './settings.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: string[];

  constructor(problems: string[]) {
    super(problems.join('\n'));
    this.problems = problems;
  }
}

/** Loads `.env` into process.env; variables already set in the environment win. */
export function loadEnvFile(path = '.env'): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

type AnySetting = Setting<unknown> | OptionalSetting<unknown>;

function readSetting(
  s: AnySetting,
  env: NodeJS.ProcessEnv,
  nodeEnv: NodeEnv,
  problems: string[],
): unknown {
  const raw = env[s.env];
  if (raw === undefined || raw === '') {
    if ('optional' in s) return undefined;
    return typeof s.default === 'function'
      ? (s.default as (n: NodeEnv) => unknown)(nodeEnv)
      : s.default;
  }
  try {
    return s.parse(raw);
  } catch (error) {
    if (!(error instanceof ConfigValueError)) throw error;
    problems.push(`${s.env}: ${error.message}`);
    return undefined;
  }
}

/** Rules that join several settings. */
function crossCheck(config: Config, problems: string[]): void {
  if (
    config.refreshReuseDetection &&
    config.rotateRefreshTokens &&
    !config.blacklistAfterRotation
  ) {
    problems.push(
      'REFRESH_REUSE_DETECTION: needs BLACKLIST_AFTER_ROTATION=true (a rotated token must be marked to be recognised); set one of them',
    );
  }
  if (config.nodeEnv === 'production' && config.passwordScryptLogN < 17) {
    problems.push(
      `PASSWORD_SCRYPT_LOG_N: production needs 17 or more (OWASP's scrypt minimum), got ${config.passwordScryptLogN}`,
    );
  }
  if (config.jwtSigningKey !== undefined && config.jwtSigningKeyFile !== undefined) {
    problems.push(
      'JWT_SIGNING_KEY_FILE: set either JWT_SIGNING_KEY or JWT_SIGNING_KEY_FILE, not both',
    );
  }
  if (config.jwtVerifyingKeys !== undefined && config.jwtVerifyingKeysFile !== undefined) {
    problems.push(
      'JWT_VERIFYING_KEYS_FILE: set either JWT_VERIFYING_KEYS or JWT_VERIFYING_KEYS_FILE, not both',
    );
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  const nodeEnv = (readSetting(settings.nodeEnv, env, 'development', problems) ??
    'development') as NodeEnv;
  const entries = Object.entries(settings).map(([key, s]: [string, AnySetting]) => [
    key,
    readSetting(s, env, nodeEnv, problems),
  ]);
  const config = Object.fromEntries(entries) as Config;
  if (problems.length === 0) crossCheck(config, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
