/**
 * Builds the app from its configuration and runs it on a port: `startServer()` and the returned
 * `stop()`. Tests start it on port 0 with their own clock and database file.
 */
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import type { AddressInfo, Socket } from 'node:net';
import { systemClock, type Clock } from './clock.ts';
import type { Config } from './config/settings.ts';
import { messages } from './errors/messages.ts';
import { createApp } from './http/create-app.ts';
import { createDrain } from './http/graceful-drain.ts';
import { createRefreshCookie } from './http/refresh-cookie.ts';
import { silentLogger, type Logger } from './logging/logger.ts';
import { createAppMetrics, type AppMetrics } from './metrics/app-metrics.ts';
import { checkReadiness } from './readiness.ts';
import type { KeyRing } from './tokens/key-ring.ts';
import { buildServices } from './services.ts';

export interface RunningServer {
  url: string;
  port: number;
  keys: KeyRing;
  metrics: AppMetrics;
  /** The Express app it serves: its routes are what the OpenAPI document must describe. */
  app: Express;
  /** Stops accepting, lets in-flight requests finish (within SHUTDOWN_TIMEOUT), closes the store. */
  stop(): Promise<void>;
}

export interface ServerOptions {
  clock?: Clock;
  logger?: Logger;
}

/** What Node's parser refused, as the status and the JSON body the client gets. */
function clientErrorAnswer(code: string | undefined): { status: string; detail: string } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: '431 Request Header Fields Too Large', detail: messages.headersTooLarge };
  }
  // REQUEST_TIMEOUT passed before the whole request came (or none of it did).
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: '408 Request Timeout', detail: messages.requestTimeout };
  }
  return { status: '400 Bad Request', detail: 'Bad request.' };
}

/**
 * Node answers what its parser refuses with a bare status before Express sees the request; the
 * answer here is JSON. The connection is then destroyed once the answer is written: ended only,
 * it stays open for as long as a client that never closes its side keeps it (20 still open after
 * 120 s were measured).
 */
function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const { status, detail } = clientErrorAnswer(error.code);
    const body = JSON.stringify({ detail });
    socket.end(
      `HTTP/1.1 ${status}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      () => socket.destroy(),
    );
  });
}

export async function startServer(
  config: Config,
  options: ServerOptions = {},
): Promise<RunningServer> {
  const logger = options.logger ?? silentLogger;
  // The metrics exist before the services, which report their events to them; readiness is
  // asked of the services only at a scrape, once both exist.
  const metrics = createAppMetrics(
    async () => (await checkReadiness(services.store, services.keys)).ready,
  );
  const services = await buildServices(config, options.clock ?? systemClock, metrics.authEvents);
  const app = createApp({
    ...services,
    metrics,
    logger,
    cookie: createRefreshCookie(config.refreshTokenCookie, config.refreshTokenLifetimeSeconds),
    trustProxy: config.trustProxy,
    proxySecret: config.proxySecret,
    bodyLimitBytes: config.bodyLimitBytes,
    requestLog: { which: config.logRequests, slowSeconds: config.slowRequestSeconds },
  });

  const drain = createDrain({
    idleGraceSeconds: config.shutdownIdleGraceSeconds,
    timeoutSeconds: config.shutdownTimeoutSeconds,
  });
  // A client that never finishes its request is cut off after REQUEST_TIMEOUT (Node's default,
  // 300 s, let one hold a connection for minutes); the check runs every second, not every 30.
  const requestTimeout = config.requestTimeoutSeconds * 1000;
  const timeouts = {
    requestTimeout,
    headersTimeout: requestTimeout,
    connectionsCheckingInterval: 1000,
  };
  const server = createServer(timeouts, (req, res) => {
    drain.track(res);
    app(req, res);
  });
  answerClientErrors(server);
  // Idle keep-alive connections are closed by the client side first: nginx's upstream
  // keepalive_timeout (4 s) is shorter, so it never reuses a connection this server is closing.
  // Node's default: 5 s.
  server.keepAliveTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;

  return {
    url: `http://${host}:${port}`,
    port,
    keys: services.keys,
    metrics,
    app,
    async stop() {
      await drain.close(server);
      await services.store.close();
    },
  };
}
