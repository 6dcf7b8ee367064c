/** Runs a tool to completion and returns its output; a failure carries what the tool said. */
import { spawnSync } from 'node:child_process';

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runTool(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): CommandResult {
  const result = spawnSync(command, args, { env, encoding: 'utf8' });
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

/** True when a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
