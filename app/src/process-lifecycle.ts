/**
 * How a server process begins and ends: a start-up failure a person can act on becomes one line
 * and exit 1; SIGINT, SIGTERM or pm2's shutdown message stop it once, gracefully, within a bound.
 */
import { ConfigError } from '../../settings/index.ts';
import type { Logger } from './logging/logger.ts';
import { StoreOpenError } from './store/store.ts';

/** Prints what stopped the start and exits; anything unforeseen is thrown on, with its stack. */
export function exitOnStartupError(
  error: unknown,
  address?: { host: string; port: number },
): never {
  if (error instanceof ConfigError) {
    for (const problem of error.problems) process.stderr.write(`configuration error: ${problem}\n`);
    process.exit(1);
  }
  if (error instanceof StoreOpenError) {
    process.stderr.write(`database error: ${error.message}\n`);
    process.exit(1);
  }
  if (address && (error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(
      `cannot listen: ${address.host}:${address.port} is already in use (set PORT)\n`,
    );
    process.exit(1);
  }
  throw error;
}

/**
 * In a cluster worker (pm2), the master may be handing this process a new connection over IPC at
 * the very moment its server closes. The worker refuses it and the master gives it to another
 * worker, but only if this process is still there to answer: exiting at once would leave that
 * client's connection hanging in the master. A short pause lets such hand-overs be answered.
 */
const handOverLinger = (): Promise<void> =>
  process.connected ? new Promise((resolve) => setTimeout(resolve, 500)) : Promise.resolve();

/**
 * At the first request to stop: keeps serving for `delaySeconds` (SHUTDOWN_DELAY), runs `stop`,
 * then exits 0; exits 1 if stopping takes longer than the delay and `boundSeconds`, in case
 * closing hangs.
 */
export function stopGracefully(
  stop: () => Promise<void>,
  {
    delaySeconds,
    boundSeconds,
    logger,
  }: { delaySeconds: number; boundSeconds: number; logger: Logger },
): void {
  let stopping = false;
  const onRequest = (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal: reason, serving_for_seconds: delaySeconds });
    setTimeout(() => process.exit(1), (delaySeconds + boundSeconds) * 1000).unref();
    void new Promise((resolve) => setTimeout(resolve, delaySeconds * 1000))
      .then(stop)
      .then(handOverLinger)
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      });
  };
  process.on('SIGINT', () => {
    onRequest('SIGINT');
  });
  process.on('SIGTERM', () => {
    onRequest('SIGTERM');
  });
  // pm2 asks with a message instead of a signal where signals are unreliable (shutdown_with_message).
  process.on('message', (message) => {
    if (message === 'shutdown') onRequest('shutdown message');
  });
}
