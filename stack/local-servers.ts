/**
 * Starting the project's servers as child processes, for the benchmarks and the load tests:
 * the dev server exactly as `npm run dev` runs it, and the host stack through its own command.
 * Their first user comes from the app's own provideUser (app/src/index.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { waitForOk } from '../tools/network.ts';
import { projectRoot } from '../tools/project-root.ts';

export interface DevServer {
  url: string;
  /** Its process group's id: the watcher and the server it restarts. */
  pid: number;
  stop(): Promise<void>;
}

/** `npm run dev`'s command, in a process group of its own so that stopping it ends its watcher too. */
export async function startDevServer(port: number, env: NodeJS.ProcessEnv): Promise<DevServer> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--watch-path=app/src', '--watch-path=settings', 'app/src/start.ts'],
    {
      cwd: projectRoot,
      env: { ...process.env, ...env, NODE_ENV: 'development', PORT: String(port) },
      stdio: 'ignore',
      detached: true,
    },
  );
  const exited = once(child, 'exit');
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  };
  try {
    await waitForOk(`${url}/readyz`, 20_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid ?? NaN, stop };
}

/** Runs `npm run stack -- <command>` with `env`; throws with its output when it fails. */
export async function runStackCommand(
  command: 'up' | 'down' | 'reload',
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const child = spawn(process.execPath, [join(projectRoot, 'stack', 'stack-cli.ts'), command], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`npm run stack -- ${command} failed:\n${output.trim()}`);
}
