import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nginxSeries, parseNginxStatus } from '../../src/metrics/nginx-status.ts';

const page = `Active connections: 3 
server accepts handled requests
 16 15 31 
Reading: 0 Writing: 1 Waiting: 2 
`;

describe('nginx stub_status', () => {
  it('reads every counter of the page', () => {
    assert.deepEqual(parseNginxStatus(page), {
      active: 3,
      accepted: 16,
      handled: 15,
      requests: 31,
      reading: 0,
      writing: 1,
      waiting: 2,
    });
  });

  it('reads nothing from a page of another shape', () => {
    assert.equal(parseNginxStatus('<html>502 Bad Gateway</html>'), undefined);
  });

  it('exports the counters as counters and the connections as gauges', () => {
    const text = nginxSeries(parseNginxStatus(page));
    assert.match(text, /^nginx_up 1$/m);
    assert.match(
      text,
      /^# TYPE nginx_connections_accepted_total counter\nnginx_connections_accepted_total 16$/m,
    );
    assert.match(text, /^# TYPE nginx_connections_active gauge\nnginx_connections_active 3$/m);
  });

  it('says only that nginx is down when its page does not answer', () => {
    assert.equal(nginxSeries(undefined), '# TYPE nginx_up gauge\nnginx_up 0\n');
  });
});
