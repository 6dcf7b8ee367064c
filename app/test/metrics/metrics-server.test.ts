import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { after, describe, it } from 'node:test';
import { freePort } from '../../../tools/network.ts';
import { createAppMetrics } from '../../src/metrics/app-metrics.ts';
import { clusterPosition, startMetricsServer } from '../../src/metrics/metrics-server.ts';

/** Two workers' metrics servers in this process, as a pm2 cluster of two would run them. */
async function cluster(workers: number, running: number[]) {
  let basePort = await freePort();
  while (basePort > 65_000) basePort = await freePort();
  const metrics = Array.from({ length: workers }, () =>
    createAppMetrics(() => Promise.resolve(true)),
  );
  const servers: Server[] = [];
  for (const instance of running) {
    const own = metrics[instance];
    assert.ok(own);
    const server = startMetricsServer(own, { basePort, instance, workers });
    await once(server, 'listening');
    servers.push(server);
  }
  const scrape = async (instance: number) =>
    (await fetch(`http://127.0.0.1:${basePort + instance}/metrics`)).text();
  return { metrics, servers, scrape };
}

describe('the metrics server', () => {
  const servers: Server[] = [];
  after(() => {
    for (const server of servers) server.close();
  });

  it('returns the sum over every worker, whichever worker is asked', async () => {
    const c = await cluster(2, [0, 1]);
    servers.push(...c.servers);
    for (let i = 0; i < 3; i += 1) c.metrics[0]?.observeRequest('GET', '/hello/', 200, 0.004);
    for (let i = 0; i < 4; i += 1) c.metrics[1]?.observeRequest('GET', '/hello/', 200, 0.004);
    c.metrics[1]?.observeRequest('POST', '/api/token/', 500, 0.2);
    for (const instance of [0, 1]) {
      const text = await c.scrape(instance);
      assert.match(text, /^http_requests_total\{method="GET",route="\/hello\/",status="200"\} 7$/m);
      assert.match(text, /^app_ready 2$/m);
      assert.match(text, /^app_worker_http_requests_total\{worker="0",pid="\d+"\} 3$/m);
      assert.match(text, /^app_worker_http_requests_total\{worker="1",pid="\d+"\} 5$/m);
      assert.match(text, /^app_worker_http_server_errors_total\{worker="1",pid="\d+"\} 1$/m);
    }
  });

  it('listens on loopback unless told another address', async () => {
    const basePort = await freePort();
    const metrics = createAppMetrics(() => Promise.resolve(true));
    const local = startMetricsServer(metrics, { basePort, instance: 0, workers: 1 });
    await once(local, 'listening');
    assert.equal((local.address() as { address: string }).address, '127.0.0.1');
    local.close();
    const open = startMetricsServer(metrics, {
      basePort,
      host: '0.0.0.0',
      instance: 0,
      workers: 1,
    });
    servers.push(open);
    await once(open, 'listening');
    assert.equal((open.address() as { address: string }).address, '0.0.0.0');
    assert.equal((await fetch(`http://127.0.0.1:${basePort}/metrics`)).status, 200);
  });

  it('reports a worker that does not answer as down, and sums the others', async () => {
    const c = await cluster(2, [0]);
    servers.push(...c.servers);
    c.metrics[0]?.observeRequest('GET', '/hello/', 200, 0.004);
    const text = await c.scrape(0);
    assert.match(text, /^app_worker_up\{worker="1"\} 0$/m);
    assert.match(text, /^app_worker_up\{worker="0",pid="\d+"\} 1$/m);
    assert.match(text, /^http_requests_total\{method="GET",route="\/hello\/",status="200"\} 1$/m);
  });

  it('answers 404 to anything but its two paths', async () => {
    const c = await cluster(1, [0]);
    servers.push(...c.servers);
    const port = Number(
      new URL(`http://x:${(c.servers[0]?.address() as { port: number }).port}`).port,
    );
    assert.equal((await fetch(`http://127.0.0.1:${port}/hello/`)).status, 404);
  });
});

describe('clusterPosition', () => {
  it("reads pm2's worker number and cluster size", () => {
    assert.deepEqual(clusterPosition({ NODE_APP_INSTANCE: '1', instances: '3' }), {
      instance: 1,
      workers: 3,
    });
  });

  it('is a cluster of one outside pm2', () => {
    assert.equal(clusterPosition({}).instance, 0);
  });
});
