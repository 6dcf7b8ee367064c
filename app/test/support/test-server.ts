/**
 * A real server on an ephemeral port over a real SQLite file in a temporary folder (or a real
 * PostgreSQL database, with TEST_STORE=postgres: support/test-database.ts), with a fake clock. Settings are the test defaults plus whatever the test overrides. The caller stops it
 * (`after(() => api.stop())`).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import type { Config } from '../../src/config/settings.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { openConfiguredStore, userServiceFor } from '../../src/services.ts';
import type { Store } from '../../src/store/store.ts';
import type { User } from '../../src/store/user-repository.ts';
import { openApiDocument } from '../../src/http/openapi/openapi-document.ts';
import { FakeClock } from './fake-clock.ts';
import { testDatabaseUrl } from './test-database.ts';
import { createConformanceCheck } from './openapi-conformance.ts';
import { send, type Reply, type RequestOptions } from '../../../testing/http-client.ts';
import { tempDir } from '../../../testing/temp-dir.ts';
import { testSecret } from '../../../testing/test-secret.ts';

export function testEnv(dir: string, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: `sqlite:${join(dir, 'app.sqlite3')}`,
    JWT_SIGNING_KEY: testSecret,
    // Fast hashes for the many logins of the suite; the OWASP default has a test of its own.
    PASSWORD_SCRYPT_LOG_N: '10',
    LOG_LEVEL: 'silent',
    // Test clients are not proxies: nothing gains from leaving their idle connections open.
    SHUTDOWN_IDLE_GRACE: '0',
    // Deactivation takes effect at once in the tests; the cache has tests of its own.
    USER_CACHE_TTL: '0',
    ...overrides,
  };
}

export interface TestServer {
  url: string;
  clock: FakeClock;
  config: Config;
  dir: string;
  server: RunningServer;
  /** A second connection to the same database, as another process would have. */
  store: Store;
  createUser(username: string, password: string): Promise<User>;
  post(path: string, json?: unknown, options?: RequestOptions): Promise<Reply>;
  get(path: string, options?: RequestOptions): Promise<Reply>;
  /** Logs in and returns the pair. */
  login(username: string, password: string): Promise<{ access: string; refresh: string }>;
  /** Stops this server and starts another on the same database and clock. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTestServer(
  overrides: Record<string, string> = {},
  options: { dir?: string; clock?: FakeClock } = {},
): Promise<TestServer> {
  const dir = options.dir ?? tempDir();
  const clock = options.clock ?? new FakeClock();
  const config = loadConfig(
    testEnv(dir, { DATABASE_URL: await testDatabaseUrl(dir), ...overrides }),
  );
  let server = await startServer(config, { clock });
  const store = await openConfiguredStore(config, clock);
  const users = userServiceFor(config, store, clock);
  let stopped = false;
  const conformance = createConformanceCheck(
    openApiDocument({ refreshCookie: config.refreshTokenCookie }),
  );
  /** Every answer a test receives must fit the OpenAPI document. */
  const checked = async (method: string, url: string, options?: RequestOptions) => {
    const reply = await send(method, url, options);
    const problems = conformance(
      method,
      url,
      reply.status,
      reply.headers.get('content-type'),
      reply.text,
    );
    assert.deepEqual(problems, [], 'the response does not fit the OpenAPI document');
    return reply;
  };

  const test: TestServer = {
    get url() {
      return server.url;
    },
    clock,
    config,
    dir,
    get server() {
      return server;
    },
    store,
    createUser: (username, password) => users.create(username, password),
    post: (path, json, opts) =>
      checked('POST', server.url + path, {
        ...opts,
        json: opts?.body === undefined ? (json ?? {}) : undefined,
      }),
    get: (path, opts) => checked('GET', server.url + path, opts),
    async login(username, password) {
      const reply = await test.post('/api/token/', { username, password });
      if (reply.status !== 200) throw new Error(`login failed: ${reply.status} ${reply.text}`);
      return reply.json as { access: string; refresh: string };
    },
    async restart() {
      await server.stop();
      server = await startServer(config, { clock });
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      await store.close();
    },
  };
  return test;
}
