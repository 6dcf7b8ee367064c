/** `npm run stack -- up|down|status|reload|logs`: the production stack on this host. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, runInFrame } from '../settings/index.ts';
import { duration, megabytes } from '../tools/format-units.ts';
import { stackPaths } from './stack-paths.ts';
import {
  stackDown,
  StackError,
  stackReload,
  stackStatus,
  stackUp,
  type StackStatus,
} from './stack.ts';

const usage = `usage: npm run stack -- <command>
  up       build if needed, start the app under pm2 and nginx in front, wait until ready,
           and a supervisor that restarts pm2's workers if its daemon dies or a worker hangs
  down     stop the supervisor, nginx and pm2; leaves no process behind
  status   the workers and nginx
  reload   replace the workers one by one, with no downtime
  logs     follow the app's and nginx's logs (Ctrl-C stops)`;

const say = (line: string) => {
  process.stdout.write(`stack: ${line}\n`);
};

function printStatus(status: StackStatus): void {
  if (status.workers.length === 0 && status.nginxPid === undefined) {
    say('the stack is not running (start it with `npm run stack -- up`)');
    process.exitCode = 3;
    return;
  }
  console.log(`pm2 workers (PM2_HOME ${stackPaths.pm2Home})`);
  console.log('  id  pid      status    cpu   memory    restarts  uptime');
  for (const w of status.workers) {
    console.log(
      `  ${String(w.pmId).padEnd(4)}${String(w.pid).padEnd(9)}${w.status.padEnd(10)}${`${w.cpuPercent}%`.padEnd(6)}${megabytes(w.memoryBytes).padEnd(10)}${String(w.restarts).padEnd(10)}${duration((Date.now() - w.startedAt) / 1000)}`,
    );
  }
  if (status.workers.length === 0) console.log('  (none)');
  console.log(
    status.nginxPid === undefined
      ? 'nginx: not running'
      : `nginx: pid ${status.nginxPid}, ${status.url}/`,
  );
  if (status.nginxStatus) console.log(status.nginxStatus.trimEnd().replace(/^/gm, '  '));
  console.log(
    status.supervisorPid === undefined
      ? 'supervisor: not running (`npm run stack -- up` starts it)'
      : `supervisor: pid ${status.supervisorPid}`,
  );
}

function followLogs(): void {
  const files = ['api.out.log', 'api.err.log', 'access.log', 'error.log', 'nginx.error.log']
    .map((name) => join(stackPaths.logDir, name))
    .filter((file) => existsSync(file));
  if (files.length === 0) {
    say('no logs yet: start the stack with `npm run stack -- up`');
    return;
  }
  spawn('tail', ['-n', '20', '-F', ...files], { stdio: 'inherit' });
}

async function main(command: string | undefined, extra: string[]): Promise<void> {
  if (extra.length > 0) throw new StackError(`unexpected arguments: ${extra.join(' ')}\n${usage}`);
  switch (command) {
    case 'up':
      await stackUp(say);
      return;
    case 'down':
      await stackDown(say);
      return;
    case 'status':
      printStatus(await stackStatus());
      return;
    case 'reload':
      stackReload(say);
      return;
    case 'logs':
      followLogs();
      return;
    default:
      throw new StackError(
        `${command ? `unknown command "${command}"` : 'no command given'}\n${usage}`,
      );
  }
}

// Whatever the stack creates (pm2's and nginx's logs, its state folders) is its owner's alone:
// the logs name users and addresses. pm2 and nginx inherit the mask.
process.umask(0o077);

const [command, ...extra] = process.argv.slice(2);
await runInFrame(
  {
    prefix: 'stack: ',
    exitCodeOf: (error) => (error instanceof StackError || error instanceof ConfigError ? 2 : 1),
  },
  () => main(command, extra),
);
