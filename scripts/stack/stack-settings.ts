/**
 * The host stack's own settings; the app's (DATABASE_URL, JWT_*, ...) pass through to it as they
 * are. Read once, with one line per bad value, like the app's.
 */
import { ConfigError } from '../../app/src/config/load-config.ts';
import { integerFrom, port, text, ConfigValueError } from '../../app/src/config/parsers.ts';
import { optional, readSettings, setting } from '../../app/src/config/setting.ts';

/** nginx's rate syntax: a number of requests per second or minute. */
export const requestRate = (raw: string): string => {
  if (!/^\d+r\/[sm]$/.test(raw.trim())) {
    throw new ConfigValueError(`expected a rate such as 10r/s or 300r/m, got "${raw}"`);
  }
  return raw.trim();
};

/** pm2's instance count: a whole number, or max for one per CPU. */
export const instances = (raw: string): string => {
  if (raw.trim() === 'max' || /^[1-9]\d*$/.test(raw.trim())) return raw.trim();
  throw new ConfigValueError(`expected a whole number from 1, or max, got "${raw}"`);
};

export const stackSchema = {
  nginxHost: setting({
    env: 'NGINX_HOST',
    doc: 'Address nginx listens on; 0.0.0.0 to be reachable from other machines.',
    parse: text,
    default: '127.0.0.1',
  }),
  nginxPort: setting({
    env: 'NGINX_PORT',
    doc: 'Port nginx listens on.',
    parse: port,
    default: 8080,
  }),
  nginxTlsPort: optional({
    env: 'NGINX_TLS_PORT',
    doc: 'When set, nginx also serves TLS on this port with a self-signed certificate.',
    parse: port,
  }),
  appPort: setting({
    env: 'APP_PORT',
    doc: 'Port the pm2 workers share, on 127.0.0.1.',
    parse: port,
    default: 3000,
  }),
  pm2Instances: setting({
    env: 'PM2_INSTANCES',
    doc: 'Number of app workers; max means one per CPU.',
    parse: instances,
    default: 'max',
  }),
  tokenRate: setting({
    env: 'NGINX_TOKEN_RATE',
    doc: 'Logins and refreshes allowed per client address.',
    parse: requestRate,
    default: '10r/s',
  }),
  tokenBurst: setting({
    env: 'NGINX_TOKEN_BURST',
    doc: 'Extra logins and refreshes a client may send at once before 429.',
    parse: integerFrom(0, 100_000),
    default: 20,
  }),
};

export type StackSettings = ReturnType<typeof readStackSettings>;

export function readStackSettings(env: NodeJS.ProcessEnv = process.env) {
  const problems: string[] = [];
  const values = readSettings(stackSchema, env, 'production', problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
}
