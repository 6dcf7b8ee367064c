/**
 * Stopping a server without failing a request: it stops accepting, answers what is in flight with
 * `Connection: close` so keep-alive clients move elsewhere, and closes what is left after bounds.
 */
import type { Server, ServerResponse } from 'node:http';
import net from 'node:net';

export interface DrainBounds {
  /** How long idle keep-alive connections are left to their client (SHUTDOWN_IDLE_GRACE). */
  idleGraceSeconds: number;
  /** How long in-flight requests may take before their connections are closed (SHUTDOWN_TIMEOUT). */
  timeoutSeconds: number;
}

export function createDrain(bounds: DrainBounds) {
  let stopping = false;
  const inFlight = new Set<ServerResponse>();

  return {
    /** Called for every response: while stopping, each one closes its connection. */
    track(res: ServerResponse): void {
      if (stopping) res.setHeader('Connection', 'close');
      inFlight.add(res);
      res.on('close', () => inFlight.delete(res));
    },

    async close(server: Server): Promise<void> {
      stopping = true;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      // Stop listening, but do not close idle keep-alive connections yet (http.Server#close
      // would): a proxy may be sending a request into one at that instant, and it would fail.
      // The proxy closes its idle connections itself after its keepalive_timeout; requests on
      // busy ones are answered with `Connection: close`. What is left is closed after the grace.
      const closed = new Promise<void>((resolve) => {
        net.Server.prototype.close.call(server, () => {
          resolve();
        });
      });
      const timers = [
        setTimeout(() => {
          server.closeIdleConnections();
        }, bounds.idleGraceSeconds * 1000),
        setTimeout(() => {
          server.closeAllConnections();
        }, bounds.timeoutSeconds * 1000),
      ];
      await closed;
      for (const timer of timers) clearTimeout(timer);
    },
  };
}
