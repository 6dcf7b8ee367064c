import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { startServer } from '../../src/server.ts';
import { tempDir } from '../../../testing/temp-dir.ts';
import { testEnv } from '../support/test-server.ts';

/** A server whose log lines land in an array, with LOG_REQUESTS as given. */
async function logging(which: string) {
  const lines: string[] = [];
  const config = loadConfig(testEnv(tempDir(), { LOG_REQUESTS: which }));
  const server = await startServer(config, {
    logger: createLogger('info', 'json', (line) => lines.push(line)),
  });
  const paths = async (...urls: string[]) => {
    for (const url of urls) await (await fetch(server.url + url)).text();
    await new Promise((resolve) => setTimeout(resolve, 50));
    return lines.map((line) => (JSON.parse(line) as { path?: string }).path).filter(Boolean);
  };
  return { paths, stop: () => server.stop() };
}

describe('the request log', () => {
  it('logs only problems by default outside development: 4xx and 5xx, not a 200', async () => {
    const server = await logging('problems');
    assert.deepEqual(await server.paths('/healthz', '/hello/', '/missing'), [
      '/hello/',
      '/missing',
    ]);
    await server.stop();
  });

  it('logs every request with LOG_REQUESTS=all, and none with none', async () => {
    const all = await logging('all');
    assert.deepEqual(await all.paths('/healthz', '/missing'), ['/healthz', '/missing']);
    await all.stop();
    const none = await logging('none');
    assert.deepEqual(await none.paths('/healthz', '/missing'), []);
    await none.stop();
  });
});
