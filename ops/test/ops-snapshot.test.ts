import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSnapshot, type Scrape } from '../ops-snapshot.ts';
import { parsePrometheusText } from '../prometheus-text.ts';

/** A scrape of a two-worker stack: `requests` per worker, latencies in the 5-10 ms bucket. */
function scrapeAt(at: number, requests: [number, number], errors = 0, failedLogins = 0): Scrape {
  const all = requests[0] + requests[1];
  const text = [
    `http_requests_total{method="GET",route="/hello/",status="200"} ${all - errors}`,
    `http_requests_total{method="GET",route="/hello/",status="500"} ${errors}`,
    `http_request_duration_seconds_bucket{le="0.005"} 0`,
    `http_request_duration_seconds_bucket{le="0.01"} ${all}`,
    `http_request_duration_seconds_bucket{le="+Inf"} ${all}`,
    `auth_login_failures_total ${failedLogins}`,
    `app_worker_up{worker="0",pid="100"} 1`,
    `app_worker_up{worker="1",pid="200"} 1`,
    `app_worker_ready{worker="0",pid="100"} 1`,
    `app_worker_ready{worker="1",pid="200"} 0`,
    `app_worker_http_requests_total{worker="0",pid="100"} ${requests[0]}`,
    `app_worker_http_requests_total{worker="1",pid="200"} ${requests[1]}`,
    'nginx_up 1',
    'nginx_connections_active 3',
  ].join('\n');
  return { at, samples: parsePrometheusText(text) };
}

describe('buildSnapshot', () => {
  const before = scrapeAt(10_000, [100, 100]);
  const after = scrapeAt(12_000, [160, 140], 10, 2);

  it('gives rates over the time between two scrapes', () => {
    const snapshot = buildSnapshot('u', after, before, undefined);
    assert.equal(snapshot.requests_total, 300);
    assert.equal(snapshot.requests_per_second, 50);
    assert.equal(snapshot.server_error_ratio, 0.1);
    assert.equal(snapshot.failed_logins_per_minute, 60);
  });

  it('says what its rates span', () => {
    assert.equal(
      buildSnapshot('u', after, before, undefined).rates_over,
      '2.0 s between two scrapes',
    );
    assert.equal(buildSnapshot('u', after, undefined, undefined).rates_over, null);
  });

  it("takes every rate from Prometheus's rate() when given it, the workers' by task and pid", () => {
    const rates = {
      window: '1m',
      requestsPerSecond: 200,
      serverErrorsPerSecond: 2,
      failedLoginsPerSecond: 0.5,
      p50Ms: 4,
      p95Ms: 9,
      workers: new Map([
        [' 100', 120],
        [' 200', 80],
      ]),
    };
    const snapshot = buildSnapshot('u', after, before, undefined, null, rates);
    assert.equal(snapshot.rates_over, "Prometheus's rate() over 1m");
    assert.equal(snapshot.requests_per_second, 200);
    assert.equal(snapshot.server_error_ratio, 0.01);
    assert.equal(snapshot.failed_logins_per_minute, 30);
    assert.deepEqual(snapshot.latency_ms, { p50: 4, p95: 9 });
    assert.deepEqual(
      snapshot.workers.map((w) => w.requests_per_second),
      [120, 80],
    );
  });

  it('counts a counter that went down as reset, not as negative traffic', () => {
    const restarted = scrapeAt(12_000, [160, 20]);
    const snapshot = buildSnapshot('u', restarted, before, undefined);
    assert.equal(snapshot.workers[1]?.requests_per_second, 10);
    assert.ok((snapshot.requests_per_second ?? -1) >= 0);
  });

  it('names a worker pm2 restarted in the last minutes: its counts began again at zero', () => {
    const pm2 = (restarts: number, upSeconds: number) => [
      {
        pmId: 0,
        instance: 0,
        pid: 100,
        status: 'online',
        cpuPercent: 1,
        memoryBytes: 1,
        restarts,
        startedAt: Date.now() - upSeconds * 1000,
      },
    ];
    assert.deepEqual(
      buildSnapshot('u', after, before, pm2(2, 12)).restarted.map((r) => [r.worker, r.restarts]),
      [[0, 2]],
    );
    assert.deepEqual(buildSnapshot('u', after, before, pm2(2, 3600)).restarted, []);
    assert.deepEqual(buildSnapshot('u', after, before, pm2(0, 12)).restarted, []);
  });

  it('estimates latency quantiles within the histogram bucket, as Prometheus does', () => {
    const { latency_ms } = buildSnapshot('u', after, before, undefined);
    assert.equal(latency_ms.p50, 7.5);
    assert.ok(latency_ms.p95 !== null && Math.abs(latency_ms.p95 - 9.75) < 1e-9);
  });

  it("shows each worker's share, and one that is up but not ready", () => {
    const { workers } = buildSnapshot('u', after, before, undefined);
    assert.deepEqual(
      workers.map((w) => [w.worker, w.pid, w.ready, w.requests_per_second]),
      [
        [0, 100, true, 30],
        [1, 200, false, 20],
      ],
    );
  });

  it("joins pm2's view of a worker to its metrics by pid", () => {
    const pm2 = [
      {
        pmId: 3,
        instance: 1,
        pid: 200,
        status: 'online',
        cpuPercent: 4,
        memoryBytes: 1,
        restarts: 2,
        startedAt: 0,
      },
    ];
    const workers = buildSnapshot('u', after, before, pm2).workers;
    assert.deepEqual(
      workers.map((w) => [w.worker, w.restarts, w.status]),
      [[1, 2, 'online']],
    );
  });

  it('has no rates from a single scrape, and says the stack is down without one', () => {
    assert.equal(buildSnapshot('u', after, undefined, undefined).requests_per_second, null);
    const down = buildSnapshot('u', undefined, undefined, [], 'metrics: fetch failed');
    assert.equal(down.running, false);
    assert.equal(down.nginx, null);
  });

  it("lists every task's workers through Prometheus, and counts nginx once, not once per task", () => {
    // Each task exports its own workers and the one nginx, Prometheus adds the task's instance.
    const task = (instance: string, requests: number) =>
      [
        `http_requests_total{instance="${instance}",status="200"} ${requests} 1764316800000`,
        `app_worker_up{instance="${instance}",worker="0",pid="20"} 1 1764316800000`,
        `app_worker_ready{instance="${instance}",worker="0",pid="20"} 1 1764316800000`,
        `app_worker_http_requests_total{instance="${instance}",worker="0",pid="20"} ${requests} 1764316800000`,
        `nginx_up{instance="${instance}"} 1 1764316800000`,
        `nginx_connections_active{instance="${instance}"} 9 1764316800000`,
      ].join('\n');
    const federated: Scrape = {
      at: 1764316800000,
      samples: parsePrometheusText(`${task('10.77.0.9:9464', 30)}\n${task('10.77.0.10:9464', 12)}`),
    };
    const snapshot = buildSnapshot('u', federated, undefined, undefined);
    assert.equal(snapshot.requests_total, 42);
    assert.deepEqual(
      snapshot.workers.map((w) => [w.task, w.worker, w.pid, w.requests_total, w.ready]),
      [
        ['10.77.0.9:9464', 0, 20, 30, true],
        ['10.77.0.10:9464', 0, 20, 12, true],
      ],
    );
    assert.equal(snapshot.nginx?.active, 9);
  });
});
