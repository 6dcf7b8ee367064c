/**
 * The frame of the command-line tools: configuration from the environment (and .env), the store
 * opened and closed, and errors a person can act on printed as one line with a non-zero exit.
 */
import { systemClock } from '../clock.ts';
import { ConfigError, loadEnvFile, runInFrame } from '../../../settings/index.ts';
import { loadConfig } from '../config/load-config.ts';
import type { Config } from '../config/settings.ts';
import { openConfiguredStore } from '../services.ts';
import {
  StoreOpenError,
  StoreUnavailableError,
  UsersClashError,
  type Store,
} from '../store/store.ts';
import { UserInputError } from '../users/user-service.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CommandContext {
  config: Config;
  store: Store;
  out: (line: string) => void;
}

/** Errors whose message is meant for the person at the terminal. */
const isUserFacing = (error: unknown): error is Error =>
  error instanceof UsageError ||
  error instanceof UserInputError ||
  error instanceof UsersClashError ||
  error instanceof ConfigError ||
  error instanceof StoreOpenError ||
  error instanceof StoreUnavailableError;

/**
 * Runs `work`; an error meant for the person at the terminal becomes its lines on stderr and exit
 * code 1 (2 for a usage error, with the usage), anything else is thrown on with its stack.
 */
export async function reportingErrors(usage: string, work: () => Promise<void>): Promise<void> {
  await runInFrame(
    {
      prefix: 'error: ',
      exitCodeOf: (error) => {
        if (!isUserFacing(error)) return undefined;
        return error instanceof UsageError ? 2 : 1;
      },
      usageAfter: (error) => (error instanceof UsageError ? usage : undefined),
    },
    work,
  );
}

export const printLine = (line: string) => process.stdout.write(`${line}\n`);

/** The frame of a command on the configured store: opened before, closed after, whatever happens. */
export async function runCommand(
  usage: string,
  command: (context: CommandContext) => Promise<void>,
): Promise<void> {
  let store: Store | undefined;
  await reportingErrors(usage, async () => {
    try {
      loadEnvFile();
      const config = loadConfig();
      store = await openConfiguredStore(config, systemClock);
      await command({ config, store, out: printLine });
    } finally {
      await store?.close();
    }
  });
}
