/**
 * Keeps `clients` keep-alive clients sending one request after another until `stop()` is called,
 * and counts what came back: statuses, and errors by code (ECONNRESET, ...). Bounded by
 * `maxSeconds` so a test can never leave it running.
 */
import * as http from 'node:http';
import * as https from 'node:https';

export interface LoopCounts {
  requests: number;
  statuses: Record<number, number>;
  errors: Record<string, number>;
}

export interface LoopOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  clients: number;
  maxSeconds: number;
  localAddress?: string;
  /** For https: the certificates the server's must chain to (a self-signed one is its own CA). */
  ca?: string[];
  /** false: a new connection, and over TLS a new handshake, for every request. Default: true. */
  keepAlive?: boolean;
}

export function startRequestLoop(options: LoopOptions) {
  const secure = options.url.startsWith('https:');
  const { Agent, request } = secure ? https : http;
  const agent = new Agent({
    keepAlive: options.keepAlive ?? true,
    maxSockets: options.clients,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  const counts: LoopCounts = { requests: 0, statuses: {}, errors: {} };
  const deadline = Date.now() + options.maxSeconds * 1000;
  let running = true;

  const once = () =>
    new Promise<void>((resolve) => {
      const req = request(
        options.url,
        {
          method: options.method ?? 'GET',
          headers: options.headers,
          agent,
          localAddress: options.localAddress,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            counts.statuses[res.statusCode ?? 0] = (counts.statuses[res.statusCode ?? 0] ?? 0) + 1;
            resolve();
          });
        },
      );
      req.on('error', (error: NodeJS.ErrnoException) => {
        const code = error.code ?? error.message;
        counts.errors[code] = (counts.errors[code] ?? 0) + 1;
        resolve();
      });
      req.end(options.body);
    });

  const clients = Array.from({ length: options.clients }, async () => {
    while (running && Date.now() < deadline) {
      await once();
      counts.requests += 1;
    }
  });

  return {
    counts,
    async stop(): Promise<LoopCounts> {
      running = false;
      await Promise.all(clients);
      agent.destroy();
      return counts;
    },
  };
}

/** Requests that did not get the expected status, errors included. */
export const failuresOf = (counts: LoopCounts, expected: number): number =>
  counts.requests - (counts.statuses[expected] ?? 0);
