import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../../tools/network.ts';
import { runScript } from '../../testing/run-script.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const healthcheck = 'app/src/healthcheck.ts';

describe("the container's health check", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  it('passes when the app on PORT answers /readyz', async () => {
    const result = await runScript(healthcheck, [], { env: { PORT: new URL(server.url).port } });
    assert.equal(result.code, 0, result.stderr);
  });

  it('fails, saying why, when nothing answers on PORT', async () => {
    const result = await runScript(healthcheck, [], { env: { PORT: String(await freePort()) } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^\/readyz did not answer: /);
  });

  it('fails when the app answers that it is not ready', async () => {
    const notReady = createServer((_req, res) => {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"not ready"}');
    });
    notReady.listen(0, '127.0.0.1');
    await once(notReady, 'listening');
    const { port } = notReady.address() as AddressInfo;
    const result = await runScript(healthcheck, [], { env: { PORT: String(port) } });
    notReady.close();
    assert.equal(result.code, 1);
    assert.equal(result.stderr, '/readyz answered 503: {"status":"not ready"}\n');
  });
});
