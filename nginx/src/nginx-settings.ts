/**
 * nginx's own settings: where it listens, the app port it proxies to and its login limit. The host
 * stack reads them with its pm2 settings; the nginx image reads them at build time.
 */
import {
  ConfigError,
  integerFrom,
  port,
  text,
  ConfigValueError,
  optional,
  readSettings,
  setting,
} from '../../settings/index.ts';

/** nginx's rate syntax: a number of requests per second or minute. */
export const requestRate = (raw: string): string => {
  if (!/^\d+r\/[sm]$/.test(raw.trim())) {
    throw new ConfigValueError(`expected a rate such as 10r/s or 300r/m, got "${raw}"`);
  }
  return raw.trim();
};

export const nginxSchema = {
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
  workers: optional({
    env: 'NGINX_WORKERS',
    doc: "nginx's worker processes on the host stack; unset: one per four cores, at least one, the app's workers take the rest. The nginx container uses every core.",
    parse: integerFrom(1, 256),
  }),
  appPort: setting({
    env: 'APP_PORT',
    doc: "Port the app's workers share, and nginx's upstream port.",
    parse: port,
    default: 3000,
  }),
  // Measured with npm run bench:brute-force on 2 cores: the stack hashes about 5 logins a second
  // in all, so one address may take a fifth of that, and no more, before nginx answers 429.
  loginRate: setting({
    env: 'NGINX_LOGIN_RATE',
    doc: 'Logins allowed per client address; keep it well below what the app can hash.',
    parse: requestRate,
    default: '1r/s',
  }),
  loginBurst: setting({
    env: 'NGINX_LOGIN_BURST',
    doc: 'Extra logins a client may send at once before 429.',
    parse: integerFrom(0, 100_000),
    default: 5,
  }),
  refreshRate: setting({
    env: 'NGINX_REFRESH_RATE',
    doc: 'Token refreshes allowed per client address (no password hashing: a higher limit).',
    parse: requestRate,
    default: '10r/s',
  }),
  refreshBurst: setting({
    env: 'NGINX_REFRESH_BURST',
    doc: 'Extra refreshes a client may send at once before 429.',
    parse: integerFrom(0, 100_000),
    default: 20,
  }),
};

export function readNginxSettings(env: NodeJS.ProcessEnv = process.env) {
  const problems: string[] = [];
  const values = readSettings(nginxSchema, env, 'production', problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
}
