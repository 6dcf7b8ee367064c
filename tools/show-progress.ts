/**
 * Runs a long command (an image build, debootstrap) with its output shown line by line as it
 * comes, so the user sees it move; a failure rejects with the command's last lines.
 */
import { spawn } from 'node:child_process';

export interface ProgressOptions {
  /** Put before each line shown. */
  prefix: string;
  /** Piped to the command's stdin. */
  input?: NodeJS.ReadableStream;
  /** Lines too many to be worth showing (they still count for the error's tail). */
  hide?: (line: string) => boolean;
}

export function runShowingProgress(
  command: string,
  args: string[],
  { prefix, input, hide = () => false }: ProgressOptions,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    if (input && child.stdin) input.pipe(child.stdin);
    const tail: string[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream?.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines.filter((l) => l.trim() !== '')) {
          tail.push(line);
          if (tail.length > 20) tail.shift();
          if (!hide(line)) process.stderr.write(`${prefix} ${line}\n`);
        }
      });
    }
    child.once('error', reject);
    child.once('close', (status) => {
      if (status === 0) {
        resolve();
        return;
      }
      const what = `${command} ${args.slice(0, 2).join(' ')}`;
      reject(new Error(`${what} failed (exit ${status ?? 'signal'}):\n${tail.join('\n')}`));
    });
  });
}
