import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { describe, it } from 'node:test';
import { forkServer } from './support/fork-server.ts';
import { send } from '../../testing/http-client.ts';
import { runScript } from '../../testing/run-script.ts';
import { testEnv } from './support/test-server.ts';
import { tempDir } from '../../testing/temp-dir.ts';
import { openStore } from '../src/store/open-store.ts';
import { hashPassword } from '../src/users/password-hashing.ts';

const entry = 'app/src/start.ts';

describe('the server process', () => {
  it('refuses to start in production without a signing key, naming the variable', async () => {
    const env = testEnv(tempDir(), {
      NODE_ENV: 'production',
      JWT_SIGNING_KEY: '',
      PASSWORD_SCRYPT_LOG_N: '17',
    });
    const result = await runScript(entry, [], { env });
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      'configuration error: JWT_SIGNING_KEY: required in production (or JWT_SIGNING_KEY_FILE)\n',
    );
  });

  it('reports each bad setting on its own line', async () => {
    const result = await runScript(entry, [], {
      env: testEnv(tempDir(), { PORT: 'http', LOG_LEVEL: 'loud' }),
    });
    assert.equal(result.code, 1);
    assert.deepEqual(result.stderr.trim().split('\n'), [
      'configuration error: PORT: expected a whole number from 0 to 65535, got "http"',
      'configuration error: LOG_LEVEL: expected one of debug, info, warn, error, silent, got "loud"',
    ]);
  });

  it('says so plainly when its port is taken', async () => {
    const blocker = createServer();
    blocker.listen(0, '127.0.0.1');
    await once(blocker, 'listening');
    const { port } = blocker.address() as { port: number };
    const result = await runScript(entry, [], { env: testEnv(tempDir(), { PORT: String(port) }) });
    blocker.close();
    assert.equal(result.code, 1);
    assert.equal(result.stderr, `cannot listen: 127.0.0.1:${port} is already in use (set PORT)\n`);
  });

  it('tells its process manager it is ready only once it can serve', async () => {
    const { child, url, exited } = await forkServer(
      entry,
      testEnv(tempDir(), { LOG_LEVEL: 'info', LOG_FORMAT: 'json' }),
    );
    const ready = await send('GET', `${url}/readyz`);
    assert.equal(ready.status, 200);
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('finishes an in-flight request when told to stop, then exits 0', async () => {
    const dir = tempDir();
    const env = testEnv(dir, {
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      LOG_REQUESTS: 'all',
      PASSWORD_SCRYPT_LOG_N: '17',
    });
    const store = await openStore(String(env.DATABASE_URL), 0);
    // An OWASP-cost hash makes the login take long enough to be caught in flight.
    await store.users.create('alice', await hashPassword('pw', { logN: 17, r: 8, p: 1 }), 0);
    await store.close();

    const { child, url, logs, exited } = await forkServer(entry, env);
    const login = send('POST', `${url}/api/token/`, {
      json: { username: 'alice', password: 'pw' },
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    child.kill('SIGTERM');
    const reply = await login;
    assert.equal(reply.status, 200);
    assert.equal(await exited, 0);
    const messages = logs.map((line) => (JSON.parse(line) as { msg: string }).msg);
    assert.deepEqual(messages.slice(-3), ['stopping', 'request', 'stopped']);
    assert.ok(!logs.join('\n').includes('"pw"'), 'the password was logged');
  });

  it('keeps serving for SHUTDOWN_DELAY after it is told to stop, then stops taking connections', async () => {
    const { child, url, exited } = await forkServer(
      entry,
      testEnv(tempDir(), { SHUTDOWN_DELAY: '2s', LOG_LEVEL: 'info', LOG_FORMAT: 'json' }),
    );
    const told = Date.now();
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const during = await send('GET', `${url}/readyz`);
    assert.equal(during.status, 200, 'a new request a second after SIGTERM is served');
    assert.equal(await exited, 0);
    assert.ok(Date.now() - told >= 2000, 'it stopped before its delay was over');
    await assert.rejects(send('GET', `${url}/readyz`), (error: Error) =>
      /ECONNREFUSED/.test(String((error.cause as Error | undefined)?.message)),
    );
  });

  it('runs as the development server with a warning, on Node 24', async () => {
    const env = testEnv(tempDir(), {
      NODE_ENV: 'development',
      JWT_SIGNING_KEY: '',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
    });
    const { child, logs, exited } = await forkServer(entry, env);
    child.kill('SIGINT');
    await exited;
    const text = logs.join('\n');
    assert.match(text, /development server at http:\/\/127\.0\.0\.1:\d+\/ .* not for production/);
    assert.match(text, /signing with a development-only key/);
    assert.match(text, /"node":"v24\./);
  });
});
