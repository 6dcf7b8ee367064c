import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.ts';

describe("the app's metrics", () => {
  let api: TestServer;
  /** The sum of a series' values with these labels; a histogram's parts by their own names. */
  const value = async (name: string, labels: Record<string, string> = {}) =>
    (await api.server.metrics.registry.getMetricsAsJSON())
      .flatMap((metric) =>
        metric.values.filter(
          (v) => ((v as { metricName?: string }).metricName ?? metric.name) === name,
        ),
      )
      .filter((v) =>
        Object.entries(labels).every(([key, wanted]) => String(v.labels[key]) === wanted),
      )
      .reduce((sum, v) => sum + v.value, 0);

  before(async () => {
    api = await startTestServer();
    await api.createUser('alice', 'pw');
  });
  after(() => api.stop());

  it('counts requests by route pattern and status, never by raw path', async () => {
    await api.get('/healthz');
    await api.get('/healthz');
    await api.get('/no/such/page/12345');
    assert.equal(await value('http_requests_total', { route: '/healthz', status: '200' }), 2);
    assert.equal(await value('http_requests_total', { route: 'unmatched', status: '404' }), 1);
    const routes = (await api.server.metrics.registry.getMetricsAsJSON())
      .find((m) => m.name === 'http_requests_total')
      ?.values.map((v) => String(v.labels.route));
    assert.ok(!routes?.some((route) => route.includes('12345')));
  });

  it('times each request in the latency histogram', async () => {
    const before = await value('http_request_duration_seconds_count', { route: '/readyz' });
    await api.get('/readyz');
    assert.equal(
      await value('http_request_duration_seconds_count', { route: '/readyz' }),
      before + 1,
    );
  });

  it('counts logins, failed logins, refreshes, logouts and detected reuse', async () => {
    await api.post('/api/token/', { username: 'alice', password: 'wrong' });
    const first = await api.login('alice', 'pw');
    const rotated = await api.post('/api/token/refresh/', { refresh: first.refresh });
    assert.equal(rotated.status, 200);
    await api.post('/api/token/refresh/', { refresh: first.refresh }); // reuse: the family goes
    const second = await api.login('alice', 'pw');
    await api.post('/api/token/blacklist/', { refresh: second.refresh });
    assert.equal(await value('auth_login_failures_total'), 1);
    assert.equal(await value('auth_tokens_issued_total'), 2);
    assert.equal(await value('auth_tokens_refreshed_total'), 1);
    assert.equal(await value('auth_refresh_reuse_detected_total'), 1);
    assert.equal(await value('auth_tokens_blacklisted_total'), 1);
  });

  it("reports readiness, Node's event-loop lag and heap, and uptime", async () => {
    assert.equal(await value('app_ready'), 1);
    for (const name of [
      'nodejs_eventloop_lag_seconds',
      'nodejs_heap_size_used_bytes',
      'process_uptime_seconds',
    ]) {
      assert.ok((await value(name)) > 0, name);
    }
  });
});
