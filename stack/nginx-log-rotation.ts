/**
 * nginx's logs on the host stack, rotated like pm2's own (PM2_LOG_MAX_SIZE, PM2_LOG_RETAIN,
 * PM2_LOG_CHECK_SECONDS): a log past the size is renamed with the time, nginx is told to reopen
 * its logs (SIGUSR1, https://nginx.org/en/docs/control.html#logs), and the oldest beyond the
 * number to keep are deleted. rotate-nginx-logs.ts runs it under pm2 beside the workers.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { join } from 'node:path';

const logNames = ['access.log', 'error.log'];

/** Rotates what has outgrown `maxBytes`; returns the names it rotated to. */
export function rotateNginxLogs(
  logDir: string,
  { maxBytes, retain }: { maxBytes: number; retain: number },
  reopen: () => void,
  now = new Date(),
): string[] {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const rotated = logNames
    .filter(
      (name) => existsSync(join(logDir, name)) && statSync(join(logDir, name)).size > maxBytes,
    )
    .map((name) => {
      const target = `${name}.${stamp}`;
      renameSync(join(logDir, name), join(logDir, target));
      return target;
    });
  // nginx writes to the renamed file until it reopens: no line is lost. The new file is made
  // here, for its owner only: nginx's master has dropped its umask by now, and would make it 0644.
  for (const name of logNames) closeSync(openSync(join(logDir, name), 'a', 0o600));
  if (rotated.length > 0) reopen();
  for (const name of logNames) {
    const old = readdirSync(logDir)
      .filter((file) => file.startsWith(`${name}.`))
      .sort()
      .reverse();
    for (const file of old.slice(retain)) rmSync(join(logDir, file));
  }
  return rotated;
}
