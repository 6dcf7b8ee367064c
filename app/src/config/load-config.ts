/**
 * Reads the settings from the environment once, at start-up. Every bad value is reported on a line
 * of its own that names the variable, and nothing starts until all of them are right.
 */
import {
  ConfigError,
  ConfigValueError,
  databaseTarget,
  readSettings,
  type DatabaseTarget,
  type ValuesOf,
} from '../../../settings/index.ts';
import { settings, type Config } from './settings.ts';

type Values = ValuesOf<typeof settings>;

/** Rules that join several settings. */
function crossCheck(config: Values, problems: string[]): void {
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

/** DATABASE_URL read, its password from DATABASE_PASSWORD_FILE: the one reading of either. */
function databaseOf(config: Values, problems: string[]): DatabaseTarget | undefined {
  try {
    return databaseTarget(config.databaseUrl, config.databasePasswordFile);
  } catch (error) {
    if (!(error instanceof ConfigValueError)) throw error;
    problems.push(`DATABASE_URL: ${error.message}`);
    return undefined;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];
  // NODE_ENV first, since other defaults depend on it; a bad value is reported with the rest.
  const nodeEnvProblems: string[] = [];
  const { nodeEnv } = readSettings(
    { nodeEnv: settings.nodeEnv },
    env,
    'development',
    nodeEnvProblems,
  );
  const config = readSettings(
    settings,
    env,
    nodeEnvProblems.length > 0 ? 'development' : nodeEnv,
    problems,
  );
  const database = databaseOf(config, problems);
  if (problems.length === 0) crossCheck(config, problems);
  if (problems.length > 0 || database === undefined) throw new ConfigError(problems);
  return { ...config, database };
}
