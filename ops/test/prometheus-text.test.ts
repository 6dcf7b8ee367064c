import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parsePrometheusText, total } from '../prometheus-text.ts';

const text = `# HELP http_requests_total Requests.
# TYPE http_requests_total counter
http_requests_total{method="GET",route="/hello/",status="200"} 7
http_requests_total{method="POST",route="/api/token/",status="500"} 1

app_ready 2
weird{label="a \\"quoted\\" value"} 1e3
`;

describe('parsePrometheusText', () => {
  it('reads each sample with its labels, skipping comments and blank lines', () => {
    const samples = parsePrometheusText(text);
    assert.equal(samples.length, 4);
    assert.deepEqual(samples[0], {
      name: 'http_requests_total',
      labels: { method: 'GET', route: '/hello/', status: '200' },
      value: 7,
    });
    assert.deepEqual(samples[3], {
      name: 'weird',
      labels: { label: 'a "quoted" value' },
      value: 1000,
    });
  });

  it("keeps the time a sample was taken, as Prometheus's federation writes it", () => {
    const [sample] = parsePrometheusText('app_ready{instance="10.0.0.5:9464"} 1 1764316800123\n');
    assert.deepEqual(sample, {
      name: 'app_ready',
      labels: { instance: '10.0.0.5:9464' },
      value: 1,
      timestamp: 1764316800123,
    });
  });

  it('sums a series, or the samples whose labels pass a test', () => {
    const samples = parsePrometheusText(text);
    assert.equal(total(samples, 'http_requests_total'), 8);
    assert.equal(
      total(samples, 'http_requests_total', (l) => l.status === '500'),
      1,
    );
    assert.equal(total(samples, 'absent'), 0);
  });
});
