/**
 * wrk, the load generator of the stack bench: written in C with one thread here, it leaves most
 * of a 2-core machine to the servers it measures, where a Node load generator would take a core
 * of its own. Debian's package, installed by tools/setup.sh. https://github.com/wg/wrk
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface WrkRun {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Answers other than 2xx/3xx, and socket errors: a measurement with any is no measurement. */
  failures: number;
}

const ms = (value: string, unit: string) =>
  Number(value) * ({ us: 0.001, ms: 1, s: 1000 }[unit] ?? 1);

export interface WrkOptions {
  seconds: number;
  connections: number;
  token?: string;
  /** A Lua script of bench/wrk-scripts/ and its arguments, for requests other than GETs. */
  script?: { name: string; args: string[] };
}

const scripts = join(dirname(fileURLToPath(import.meta.url)), 'wrk-scripts');

export function wrk(url: string, options: WrkOptions): WrkRun {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency'];
  if (options.token) args.push('-H', `Authorization: Bearer ${options.token}`);
  if (options.script) args.push('-s', join(scripts, `${options.script.name}.lua`));
  const scriptArgs = options.script ? ['--', ...options.script.args] : [];
  const result = spawnSync('wrk', [...args, url, ...scriptArgs], { encoding: 'utf8' });
  if (result.error) throw new Error(`wrk: ${result.error.message} (npm run setup installs it)`);
  const out = result.stdout;
  const percentile = (p: string) => {
    const match = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out);
    return match ? ms(match[1] ?? '0', match[2] ?? 'ms') : NaN;
  };
  const errors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50Ms: percentile('50'),
    p99Ms: percentile('99'),
    failures:
      Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0) +
      (errors ? errors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0),
  };
}
