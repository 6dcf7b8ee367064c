/**
 * A small structured logger: one JSON object a line in production (for log shippers and pm2's
 * files), one readable line in development. Fields that could carry credentials are masked here,
 * as a second line of defence: no caller is meant to pass them.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
}

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
const secretField = /pass(word)?|secret|token|authorization|cookie|refresh|access|signing/i;

function mask(fields: LogFields): LogFields {
  return Object.fromEntries(
    Object.entries(fields).map(([key, value]) => [
      key,
      secretField.test(key) ? '[redacted]' : value,
    ]),
  );
}

function prettyLine(level: LogLevel, msg: string, fields: LogFields): string {
  const time = new Date().toISOString().slice(11, 23);
  const extra = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  return `${time} ${level.toUpperCase().padEnd(5)} ${msg}${extra ? `  ${extra}` : ''}`;
}

export function createLogger(
  level: LogLevel,
  format: LogFormat,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  const log = (at: Exclude<LogLevel, 'silent'>, msg: string, fields: LogFields = {}) => {
    if (rank[at] < rank[level]) return;
    const safe = mask(fields);
    write(
      format === 'json'
        ? JSON.stringify({ time: new Date().toISOString(), level: at, msg, ...safe })
        : prettyLine(at, msg, safe),
    );
  };
  return {
    debug: (msg, fields) => {
      log('debug', msg, fields);
    },
    info: (msg, fields) => {
      log('info', msg, fields);
    },
    warn: (msg, fields) => {
      log('warn', msg, fields);
    },
    error: (msg, fields) => {
      log('error', msg, fields);
    },
  };
}

export const silentLogger: Logger = createLogger('silent', 'json');
