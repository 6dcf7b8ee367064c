import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildSnapshot, type Scrape } from '../ops-snapshot.ts';
import { renderView, viewWidth } from '../ops-view.ts';
import { parsePrometheusText } from '../prometheus-text.ts';

const scrape = (at: number, text: string): Scrape => ({ at, samples: parsePrometheusText(text) });
const metrics = (requests: number) =>
  [
    `http_requests_total{method="GET",route="/hello/",status="200"} ${requests}`,
    'app_worker_up{worker="0",pid="4242"} 1',
    'app_worker_ready{worker="0",pid="4242"} 0',
    `app_worker_http_requests_total{worker="0",pid="4242"} ${requests}`,
    `auth_tokens_issued_total ${requests}`,
    `auth_tokens_refreshed_total ${requests}`,
    `auth_login_failures_total ${requests}`,
    `auth_refresh_reuse_detected_total ${requests}`,
    'nginx_up 1',
    `nginx_connections_active ${requests}`,
    `nginx_connections_reading ${requests}`,
    `nginx_connections_writing ${requests}`,
    `nginx_connections_waiting ${requests}`,
    `nginx_connections_accepted_total ${requests * 1000}`,
    `nginx_connections_handled_total ${requests * 1000}`,
    `nginx_http_requests_total ${requests * 1000}`,
  ].join('\n');
const pm2 = [
  {
    pmId: 0,
    instance: 0,
    pid: 4242,
    status: 'online',
    cpuPercent: 99.9,
    memoryBytes: 3e9,
    restarts: 12345,
    startedAt: 0,
  },
];

describe('renderView', () => {
  it('keeps every line within 80 columns, even with large numbers', () => {
    const snapshot = buildSnapshot(
      'http://127.0.0.1:9400/metrics',
      scrape(2000, metrics(123_456_789)),
      scrape(1000, metrics(1)),
      pm2,
    );
    const lines = renderView(snapshot, 2);
    assert.equal(viewWidth, 80);
    for (const line of lines) assert.ok(line.length <= 80, `${line.length}: ${line}`);
    assert.ok(lines.some((line) => line.startsWith('0       4242     online    NO ')));
  });

  it('says plainly that the stack is not running, and how to start it', () => {
    const lines = renderView(
      buildSnapshot('http://127.0.0.1:9400/metrics', undefined, undefined, []),
      2,
    );
    assert.ok(
      lines.includes('The stack is not running: its metrics do not answer and pm2 has no workers.'),
    );
    assert.ok(lines.includes('Start it with `npm run stack -- up`.'));
  });

  it("names each worker's task when read through Prometheus, within 80 columns", () => {
    const federated = (instance: string) =>
      metrics(5).replaceAll('{worker="0"', `{instance="${instance}",worker="0"`);
    const snapshot = buildSnapshot(
      'http://127.0.0.1:9090/federate',
      scrape(2000, `${federated('10.77.0.9:9464')}\n${federated('10.77.255.254:9464')}`),
      undefined,
      undefined,
    );
    const lines = renderView(snapshot, 2);
    assert.ok(lines.some((line) => /^task\s+worker\s+pid\s+status\s+ready\s+req\/s$/.test(line)));
    assert.ok(lines.some((line) => /^10\.77\.255\.254:9464\s+0\s+4242\s+up\s+NO/.test(line)));
    for (const line of lines) assert.ok(line.length <= viewWidth, line);
  });
});
