/**
 * nginx run unprivileged from a rendered config under a prefix of its own, never the system's
 * /etc/nginx. The master daemonizes and is found again through its pid file.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, runTool, runToolOrThrow } from '../../tools/run-tool.ts';

/** The folders one nginx instance works in: its prefix, rendered config, pid, temp files, logs. */
export interface NginxPaths {
  prefix: string;
  conf: string;
  run: string;
  temp: string;
  pidFile: string;
  logDir: string;
}

/** The folders of an nginx instance laid out under one prefix: conf/, run/, tmp/ and log/. */
export const nginxPathsUnder = (prefix: string): NginxPaths => ({
  prefix,
  conf: join(prefix, 'conf'),
  run: join(prefix, 'run'),
  temp: join(prefix, 'tmp'),
  pidFile: join(prefix, 'run', 'nginx.pid'),
  logDir: join(prefix, 'log'),
});

export function nginxBinary(): string {
  for (const candidate of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) {
    if (existsSync(candidate)) return candidate;
  }
  const found = runTool('sh', ['-c', 'command -v nginx']).stdout.trim();
  if (found) return found;
  throw new Error(
    "nginx is not installed: run `npm run setup` (it installs Debian's nginx) or `apt-get install nginx`",
  );
}

/** -p: our prefix; -c: our config; -e: the error log before the config is read. */
const baseArgs = (paths: NginxPaths) => [
  '-p',
  `${paths.prefix}/`,
  '-c',
  join(paths.conf, 'nginx.conf'),
  '-e',
  join(paths.logDir, 'nginx.error.log'),
];

export function nginxPid(paths: NginxPaths): number | undefined {
  if (!existsSync(paths.pidFile)) return undefined;
  const pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

function prepareNginxDirs(paths: NginxPaths): void {
  for (const dir of [paths.run, paths.temp, paths.logDir]) mkdirSync(dir, { recursive: true });
}

/** `nginx -t`: throws with nginx's own words when the rendered config is wrong. */
export function testNginxConfig(paths: NginxPaths): string {
  prepareNginxDirs(paths);
  const result = runTool(nginxBinary(), [...baseArgs(paths), '-t']);
  if (result.status !== 0) throw new Error(`nginx -t failed:\n${result.stderr.trim()}`);
  return result.stderr.trim();
}

/**
 * Starts the master and waits until it can be found: it writes its pid file after it
 * daemonizes, a moment after the command returns, and a stop in that moment would miss it.
 */
export async function startNginx(paths: NginxPaths, timeoutMs = 5000): Promise<void> {
  prepareNginxDirs(paths);
  runToolOrThrow(nginxBinary(), baseArgs(paths));
  const deadline = Date.now() + timeoutMs;
  while (nginxPid(paths) === undefined) {
    if (Date.now() > deadline) {
      throw new Error(
        `nginx started but wrote no pid file to ${paths.pidFile} within ${timeoutMs} ms`,
      );
    }
    await sleep(20);
  }
}

/**
 * Graceful stop (`quit` lets open requests finish), then waits for the master to be gone. A
 * master killed after the timeout cannot remove its pid file, so that is removed for it.
 */
export async function stopNginx(paths: NginxPaths, timeoutMs = 10_000): Promise<void> {
  const pid = nginxPid(paths);
  if (pid === undefined) return;
  process.kill(pid, 'SIGQUIT');
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      rmSync(paths.pidFile, { force: true });
      break;
    }
    await sleep(50);
  }
}
