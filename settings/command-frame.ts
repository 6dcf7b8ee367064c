/**
 * The one frame of every command line: what stops a command is said on stderr, one line each,
 * with the command's prefix, and becomes its exit code. A ConfigError says all its problems; an
 * error the command does not recognise as the person's to act on is thrown on with its stack.
 */
import { ConfigError } from './config-error.ts';

export interface CommandFrame {
  /** What starts each line: `error: `, `stack: `, `loadtest: `. */
  prefix: string;
  /** The exit code for an error meant for the person at the terminal; undefined for any other. */
  exitCodeOf(error: unknown): number | undefined;
  /** The usage, for the errors it helps with. */
  usageAfter?(error: unknown): string | undefined;
}

/** The lines a failure is told in. */
const linesOf = (error: Error): string[] =>
  error instanceof ConfigError ? error.problems : [error.message];

/** Runs `work` in the frame; returns the exit code it set, 0 when `work` succeeded. */
export async function runInFrame(
  frame: CommandFrame,
  work: () => Promise<void> | void,
): Promise<number> {
  try {
    await work();
    return 0;
  } catch (error) {
    const exitCode = frame.exitCodeOf(error);
    if (exitCode === undefined || !(error instanceof Error)) throw error;
    for (const line of linesOf(error)) process.stderr.write(`${frame.prefix}${line}\n`);
    const usage = frame.usageAfter?.(error);
    if (usage !== undefined) process.stderr.write(`${usage}\n`);
    process.exitCode = exitCode;
    return exitCode;
  }
}
