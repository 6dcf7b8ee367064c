/**
 * One process's Prometheus metrics (prom-client): requests by route and status, their latency,
 * the token events, and Node's own (event-loop lag, heap, CPU). In a pm2 cluster each worker has
 * its own registry; metrics-server.ts sums them.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuthEvents } from './auth-events.ts';
import { metricNames } from './metric-names.ts';

export interface AppMetrics {
  registry: Registry;
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  authEvents: AuthEvents;
}

/** `ready()` is /readyz's answer; it is asked at each scrape. */
export function createAppMetrics(ready: () => Promise<boolean>): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const requests = new Counter({
    name: metricNames.httpRequests,
    help: 'HTTP requests answered, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    registers,
  });
  const duration = new Histogram({
    name: metricNames.httpDuration,
    help: 'Time from request to response, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    // Around what a token request costs: a few ms for /hello/, scrypt's ~100 ms for a login.
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const counter = (name: string, help: string) => new Counter({ name, help, registers });
  const issued = counter(metricNames.tokensIssued, 'Logins that issued a token pair.');
  const refreshed = counter(metricNames.tokensRefreshed, 'Refreshes that issued an access token.');
  const blacklisted = counter(metricNames.tokensBlacklisted, 'Refresh tokens logged out.');
  const reuse = counter(
    metricNames.refreshReuse,
    'Rotated refresh tokens presented again; each revoked its family.',
  );
  const failedLogins = counter(metricNames.loginFailures, 'Logins refused.');
  new Gauge({
    name: metricNames.uptime,
    help: 'Seconds since this process started.',
    registers,
    aggregator: 'min',
    collect() {
      this.set(process.uptime());
    },
  });
  new Gauge({
    name: metricNames.ready,
    help: '1 when /readyz answers 200 (database and keys); summed, the ready workers.',
    registers,
    async collect() {
      this.set((await ready()) ? 1 : 0);
    },
  });

  // Each label set is bound once: prom-client would otherwise hash the labels on every request.
  // Methods, route patterns and statuses are few, so the map stays small.
  const bound = new Map<
    string,
    { count: ReturnType<typeof requests.labels>; time: ReturnType<typeof duration.labels> }
  >();

  return {
    registry,
    observeRequest(method, route, status, seconds) {
      const key = `${method} ${route} ${status}`;
      let series = bound.get(key);
      if (!series) {
        const labels = { method, route, status: String(status) };
        series = { count: requests.labels(labels), time: duration.labels(labels) };
        bound.set(key, series);
      }
      series.count.inc();
      series.time.observe(seconds);
    },
    authEvents: {
      issued() {
        issued.inc();
      },
      refreshed() {
        refreshed.inc();
      },
      blacklisted() {
        blacklisted.inc();
      },
      reuseDetected() {
        reuse.inc();
      },
      loginFailed() {
        failedLogins.inc();
      },
    },
  };
}
