/**
 * Parsers for environment values. Each returns the typed value or throws a ConfigValueError whose
 * message says what was expected; the loader adds the variable's name.
 */
export class ConfigValueError extends Error {
  override name = 'ConfigValueError';
}

export type Parser<T> = (raw: string) => T;

const durationUnits: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400 };

/** `90`, `30s`, `5m`, `12h`, `1d` → seconds (a plain number means seconds). */
export const durationSeconds: Parser<number> = (raw) => {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) {
    throw new ConfigValueError(`expected a duration such as 30s, 5m, 12h or 1d, got "${raw}"`);
  }
  return Number(match[1]) * (durationUnits[match[2] ?? 's'] ?? 1);
};

const truthy = new Set(['true', '1', 'yes', 'on']);
const falsy = new Set(['false', '0', 'no', 'off']);

export const boolean: Parser<boolean> = (raw) => {
  const value = raw.trim().toLowerCase();
  if (truthy.has(value)) return true;
  if (falsy.has(value)) return false;
  throw new ConfigValueError(`expected true or false, got "${raw}"`);
};

export const integerFrom =
  (min: number, max: number): Parser<number> =>
  (raw) => {
    const value = Number(raw.trim());
    if (!/^-?\d+$/.test(raw.trim()) || value < min || value > max) {
      throw new ConfigValueError(`expected a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return value;
  };

export const port: Parser<number> = integerFrom(0, 65535);

export const oneOf =
  <const T extends string>(choices: readonly T[]): Parser<T> =>
  (raw) => {
    const value = raw.trim();
    if (!(choices as readonly string[]).includes(value)) {
      throw new ConfigValueError(`expected one of ${choices.join(', ')}, got "${raw}"`);
    }
    return value as T;
  };

export const text: Parser<string> = (raw) => raw;

/** Byte sizes as the body parser writes them: `16kb`, `1mb`, or a number of bytes. */
export const byteSize: Parser<number> = (raw) => {
  const match = /^(\d+)\s*(b|kb|mb)?$/i.exec(raw.trim());
  if (!match) throw new ConfigValueError(`expected a size such as 16kb or 1mb, got "${raw}"`);
  const unit = (match[2] ?? 'b').toLowerCase();
  return Number(match[1]) * (unit === 'mb' ? 1024 * 1024 : unit === 'kb' ? 1024 : 1);
};
