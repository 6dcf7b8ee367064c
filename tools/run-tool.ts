/** Runs a tool to completion and returns its output; a failure carries what the tool said. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `input` goes to the tool's stdin. Output up to 64 MiB is kept (an image build says a lot). */
export function runTool(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
  input?: string,
): CommandResult {
  const result = spawnSync(command, args, {
    env,
    input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw new Error(`${command}: ${result.error.message}`);
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function runToolOrThrow(command: string, args: string[], env?: NodeJS.ProcessEnv): string {
  const result = runTool(command, args, env);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed:\n${(result.stderr || result.stdout).trim()}`,
    );
  }
  return result.stdout;
}

/**
 * True when a process with this pid exists and has not ended. A daemon (nginx, pm2) that ended
 * stays a zombie until its parent reaps it, and where init does not reap it never goes.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** The state letter in /proc/<pid>/stat follows the command name in parentheses. */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** Waits up to `timeoutMs` for the processes to end, then SIGKILLs any still there. */
export async function endProcesses(pids: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isAlive) && Date.now() < deadline) await sleep(50);
  for (const pid of pids.filter(isAlive)) process.kill(pid, 'SIGKILL');
}
