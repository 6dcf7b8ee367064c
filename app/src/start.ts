/**
 * The entry point of `npm run dev` and `npm start`: read the configuration, start the server,
 * tell a process manager it is ready, and stop gracefully on SIGINT or SIGTERM.
 */
import { ConfigError, loadConfig, loadEnvFile } from './config/load-config.ts';
import type { Config } from './config/settings.ts';
import { createLogger } from './logging/logger.ts';
import { clusterPosition, startMetricsServer } from './metrics/metrics-server.ts';
import { startServer, type RunningServer } from './server.ts';

function exitWithConfigError(error: ConfigError): never {
  for (const problem of error.problems) process.stderr.write(`configuration error: ${problem}\n`);
  process.exit(1);
}

/**
 * In a cluster worker (pm2), the master may be handing this process a new connection over IPC at
 * the very moment its server closes. The worker refuses it and the master gives it to another
 * worker, but only if this process is still there to answer: exiting at once would leave that
 * client's connection hanging in the master. A short pause lets such hand-overs be answered.
 */
const handOverLinger = (): Promise<void> =>
  process.connected ? new Promise((resolve) => setTimeout(resolve, 500)) : Promise.resolve();

async function main(): Promise<void> {
  let config: Config;
  try {
    loadEnvFile();
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) exitWithConfigError(error);
    throw error;
  }
  const logger = createLogger(config.logLevel, config.logFormat);

  let server: RunningServer;
  try {
    server = await startServer(config, { logger });
  } catch (error) {
    if (error instanceof ConfigError) exitWithConfigError(error);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(
        `cannot listen: ${config.host}:${config.port} is already in use (set PORT)\n`,
      );
      process.exit(1);
    }
    throw error;
  }

  if (config.nodeEnv === 'development') {
    logger.warn(
      `development server at ${server.url}/ — it restarts on file changes and is not for production (use npm start behind nginx)`,
    );
  }
  if (server.keys.usesDevelopmentKey) {
    logger.warn('JWT_SIGNING_KEY is not set: signing with a development-only key');
  }
  logger.info('listening', {
    url: server.url,
    node: process.version,
    pid: process.pid,
    env: config.nodeEnv,
  });
  // pm2 (wait_ready) routes traffic to this worker only after this message.
  process.send?.('ready');
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : startMetricsServer(server.metrics, {
          basePort: config.metricsPort,
          ...clusterPosition(process.env),
          ...(config.nginxStatusUrl === undefined ? {} : { nginxStatusUrl: config.nginxStatusUrl }),
        });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    // A bound on the whole shutdown, beyond the drain timeout, in case closing hangs.
    setTimeout(() => process.exit(1), (config.shutdownTimeoutSeconds + 5) * 1000).unref();
    metricsServer?.close();
    void server
      .stop()
      .then(handOverLinger)
      .then(() => {
        logger.info('stopped');
        process.exit(0);
      });
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  // pm2 asks with a message instead of a signal where signals are unreliable (shutdown_with_message).
  process.on('message', (message) => {
    if (message === 'shutdown') stop('shutdown message');
  });
}

await main();
