/**
 * The host stack's own settings, nginx's among them; the app's (DATABASE_URL, JWT_*, ...) pass through to it as they
 * are. Read once, with one line per bad value, like the app's.
 */
import {
  ConfigError,
  integerFrom,
  port,
  ConfigValueError,
  optional,
  readSettings,
  setting,
} from '../settings/index.ts';
import { nginxSchema } from '../nginx/src/nginx-settings.ts';

const sizeUnits: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/**
 * pm2-logrotate's size syntax (bytes, or a number with K, M or G), kept as written for it and in
 * bytes for the stack's own rotation of nginx's logs.
 */
export const logSize = (raw: string): { text: string; bytes: number } => {
  const match = /^(\d+)([KMG]?)$/.exec(raw.trim());
  if (!match) {
    throw new ConfigValueError(`expected a size such as 500K, 10M or 1G, got "${raw}"`);
  }
  return { text: raw.trim(), bytes: Number(match[1]) * (sizeUnits[match[2] ?? ''] ?? 1) };
};

/** pm2's memory syntax, as megabytes: 300M or 1G. */
const megabytes = (raw: string): number => {
  const match = /^(\d+)([MG])$/.exec(raw.trim());
  if (!match) throw new ConfigValueError(`expected a size such as 300M or 1G, got "${raw}"`);
  return Number(match[1]) * (match[2] === 'G' ? 1024 : 1);
};

/** pm2's instance count: a whole number, or max for one per CPU. */
export const instances = (raw: string): string => {
  if (raw.trim() === 'max' || /^[1-9]\d*$/.test(raw.trim())) return raw.trim();
  throw new ConfigValueError(`expected a whole number from 1, or max, got "${raw}"`);
};

export const stackSchema = {
  ...nginxSchema,
  metricsPort: setting({
    env: 'METRICS_PORT',
    doc: "First of the workers' loopback metrics ports (worker n: this plus n); npm run ops reads it.",
    parse: port,
    default: 9400,
  }),
  logMaxSize: setting({
    env: 'PM2_LOG_MAX_SIZE',
    doc: "A log above this size is rotated: the app's by pm2-logrotate (also daily), nginx's by the stack.",
    parse: logSize,
    default: logSize('10M'),
  }),
  logRetain: setting({
    env: 'PM2_LOG_RETAIN',
    doc: 'Rotated logs kept per log file.',
    parse: integerFrom(1, 1000),
    default: 7,
  }),
  logCheckSeconds: setting({
    env: 'PM2_LOG_CHECK_SECONDS',
    doc: 'How often pm2-logrotate looks at the log sizes.',
    parse: integerFrom(1, 3600),
    default: 30,
  }),
  pm2Instances: setting({
    env: 'PM2_INSTANCES',
    doc: 'Number of app workers; max means one per CPU.',
    parse: instances,
    default: 'max',
  }),
  pm2MaxMemoryMb: optional({
    env: 'PM2_MAX_MEMORY',
    doc: "pm2 restarts a worker above this (300M, 1G); unset: what the worker's password hashes need (stack/worker-budget.ts).",
    parse: megabytes,
  }),
};

export type StackSettings = ReturnType<typeof readStackSettings>;

export function readStackSettings(env: NodeJS.ProcessEnv = process.env) {
  const problems: string[] = [];
  const values = readSettings(stackSchema, env, 'production', problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return values;
}
