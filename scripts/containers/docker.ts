/** The docker CLI, as the container scripts and tests use it. */
import { spawn } from 'node:child_process';
import { runTool, runToolOrThrow } from '../stack/run-command.ts';

/** Runs docker to completion and returns its output; a failure throws with what docker said. */
export function docker(args: string[]): string {
  return runToolOrThrow('docker', args);
}

export function engineAnswers(): boolean {
  try {
    return runTool('docker', ['info', '--format', '{{.ServerVersion}}']).status === 0;
  } catch {
    return false;
  }
}

export function requireEngine(): void {
  if (!engineAnswers()) {
    throw new Error(
      'no Docker engine answers `docker info`: run `npm run setup` (it installs and starts one as root), or start Docker yourself',
    );
  }
}

export function imageExists(reference: string): boolean {
  return runTool('docker', ['image', 'inspect', reference]).status === 0;
}

/**
 * Runs docker with its output shown as it comes (builds take minutes: the user sees them move),
 * each line prefixed; rejects with the exit status.
 */
export function dockerShowingProgress(
  args: string[],
  prefix: string,
  input?: NodeJS.ReadableStream,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    if (input && child.stdin) input.pipe(child.stdin);
    const tail: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) {
          tail.push(line);
          if (tail.length > 20) tail.shift();
          if (line.trim() !== '') process.stderr.write(`${prefix} ${line}\n`);
        }
      });
    }
    child.once('error', reject);
    child.once('close', (status) => {
      if (status === 0) resolve();
      else
        reject(
          new Error(
            `docker ${args.slice(0, 2).join(' ')} failed (exit ${status ?? 'signal'}):\n${tail.join('\n')}`,
          ),
        );
    });
  });
}
