/**
 * The entry point of `npm run dev` and `npm start`: read the configuration, start the server,
 * tell a process manager it is ready, and stop gracefully on SIGINT or SIGTERM.
 */
import { loadEnvFile } from '../../settings/index.ts';
import { loadConfig } from './config/load-config.ts';
import type { Config } from './config/settings.ts';
import { createLogger } from './logging/logger.ts';
import { clusterPosition, startMetricsServer } from './metrics/metrics-server.ts';
import { exitOnStartupError, stopGracefully } from './process-lifecycle.ts';
import { startServer, type RunningServer } from './server.ts';

let config: Config;
try {
  loadEnvFile();
  config = loadConfig();
} catch (error) {
  exitOnStartupError(error);
}
const logger = createLogger(config.logLevel, config.logFormat);

let server: RunningServer;
try {
  server = await startServer(config, { logger });
} catch (error) {
  exitOnStartupError(error, config);
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
const metricsServer =
  config.metricsPort === undefined
    ? undefined
    : startMetricsServer(server.metrics, {
        basePort: config.metricsPort,
        host: config.metricsHost,
        ...clusterPosition(process.env),
        ...(config.nginxStatusUrl === undefined ? {} : { nginxStatusUrl: config.nginxStatusUrl }),
      });

// The bound covers the whole shutdown, beyond the drain timeout, in case closing hangs.
stopGracefully(
  async () => {
    metricsServer?.close();
    await server.stop();
  },
  {
    delaySeconds: config.shutdownDelaySeconds,
    boundSeconds: config.shutdownTimeoutSeconds + 5,
    logger,
  },
);

// pm2 (wait_ready) routes traffic to this worker only after this message; a stop asked for from
// then on is graceful, as the handlers above are in place.
process.send?.('ready');
