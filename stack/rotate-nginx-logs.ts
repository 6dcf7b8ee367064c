/**
 * The process pm2 runs beside the workers on the host stack (ecosystem.config.cjs), so nginx's
 * logs are rotated for as long as the stack runs; the containers log to stdout and do not run it.
 * pm2 loads it through a wrapper of its own: it is an entry file, not a module with a main.
 */
import { existsSync, readFileSync } from 'node:fs';
import { rotateNginxLogs } from './nginx-log-rotation.ts';
import { readStackSettings } from './stack-settings.ts';
import { stackPaths } from './stack-paths.ts';

function reopenNginxLogs(): void {
  const pidFile = stackPaths.nginx.pidFile;
  if (existsSync(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGUSR1');
}

const settings = readStackSettings();
const policy = { maxBytes: settings.logMaxSize.bytes, retain: settings.logRetain };
setInterval(() => {
  for (const file of rotateNginxLogs(stackPaths.logDir, policy, reopenNginxLogs)) {
    process.stdout.write(`rotated nginx's log to ${file}\n`);
  }
}, settings.logCheckSeconds * 1000);
