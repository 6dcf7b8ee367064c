import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:net';
import { TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from '../../testing/chromium.ts';
import { tempDir } from '../../testing/temp-dir.ts';
import { freePort } from '../../tools/network.ts';
import { isAlive } from '../../tools/run-tool.ts';
import { failuresOf, startRequestLoop } from '../../testing/request-loop.ts';
import { prepareTestStack, type TestStack } from '../../testing/test-stack.ts';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request from a chosen loopback address, so nginx and the app see distinct clients. */
function call(
  url: string,
  options: { method?: string; body?: string; token?: string; from?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    const req = request(
      url,
      { method: options.method ?? 'GET', headers, localAddress: options.from ?? '127.0.0.1' },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Bytes as written, for requests no HTTP client would send; resolves with all nginx answered. */
function rawHttp(url: string, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => {
      resolve(answer);
    });
    socket.end(text.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'));
  });
}

const securityHeaders = [
  'x-content-type-options',
  'x-frame-options',
  'content-security-policy',
  'referrer-policy',
];

describe('the host stack: pm2 cluster behind nginx', () => {
  let env: NodeJS.ProcessEnv;
  let url: string;
  let stateDir: string;
  let stack: TestStack['stack'];

  const workers = async () => {
    const { stdout } = await stack('status');
    return [...stdout.matchAll(/^ {2}(\d+)\s+(\d+)\s+(\w+)\s+\S+\s+\S+ MB\s+(\d+)/gm)].map((m) => ({
      pid: Number(m[2]),
      status: m[3],
      restarts: Number(m[4]),
    }));
  };
  const login = async (from: string) =>
    JSON.parse(
      (
        await call(`${url}/api/token/`, {
          method: 'POST',
          body: '{"username":"alice","password":"pw"}',
          from,
        })
      ).body,
    ) as { access: string; refresh: string };

  before(async () => {
    ({ env, url, stateDir, stack } = await prepareTestStack({
      NGINX_TLS_PORT: String(await freePort()),
    }));

    const up = await stack('up');
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.match(up.stdout, /the stack is up: http:\/\/127\.0\.0\.1:\d+\/ \(2 workers\)/);
  });

  after(async () => {
    const pids = [
      ...(await workers()).map((w) => w.pid),
      Number(readFileSync(join(stateDir, 'pm2', 'pm2.pid'), 'utf8')),
    ];
    const nginxPid = Number(readFileSync(join(stateDir, 'nginx', 'run', 'nginx.pid'), 'utf8'));
    const down = await stack('down');
    assert.equal(down.code, 0, down.stderr);
    for (const pid of [...pids, nginxPid]) {
      assert.equal(isAlive(pid), false, `process ${pid} is still running`);
    }
    assert.match((await stack('down')).stdout, /the stack is not running \(nothing to stop\)/);
  });

  it('serves login, a protected route, refresh and blacklist through nginx', async () => {
    const { access, refresh } = await login('127.0.0.11');
    assert.equal(
      (await call(`${url}/hello/`, { token: access })).body,
      '{"message":"Hello, World!"}',
    );
    const refreshed = await call(`${url}/api/token/refresh/`, {
      method: 'POST',
      body: JSON.stringify({ refresh }),
    });
    assert.equal(refreshed.status, 200);
    const next = (JSON.parse(refreshed.body) as { refresh: string }).refresh;
    const blacklisted = await call(`${url}/api/token/blacklist/`, {
      method: 'POST',
      body: JSON.stringify({ refresh: next }),
    });
    assert.equal(blacklisted.status, 200);
  });

  it("logs the client's own address in the app, not nginx's", async () => {
    // A 404 is a problem, which the app logs by default (LOG_REQUESTS=problems).
    await call(`${url}/no-such-path`, { from: '127.0.0.42' });
    await sleep(200);
    const log = readFileSync(join(stateDir, 'log', 'api.out.log'), 'utf8');
    assert.match(log, /"path":"\/no-such-path".*"remote_addr":"127\.0\.0\.42"/);
  });

  it('believes X-Forwarded-For from its nginx only: a local process at a worker’s port cannot name its address', async () => {
    await rawHttp(
      `http://127.0.0.1:${env.APP_PORT ?? ''}`,
      'GET /forged-forwarding HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 198.51.100.9\r\n\r\n',
    );
    await sleep(200);
    const log = readFileSync(join(stateDir, 'log', 'api.out.log'), 'utf8');
    assert.match(log, /"path":"\/forged-forwarding".*"remote_addr":"127\.0\.0\.1"/);
    assert.doesNotMatch(log, /198\.51\.100\.9/);
  });

  it('answers a burst of logins beyond the limit with 429 and JSON, and normal traffic without', async () => {
    const burst = await Promise.all(
      Array.from({ length: 40 }, () =>
        call(`${url}/api/token/`, { method: 'POST', body: '{}', from: '127.0.0.12' }),
      ),
    );
    const throttled = burst.filter((r) => r.status === 429);
    assert.ok(throttled.length >= 10, `${throttled.length} of 40 throttled`);
    const [first] = throttled;
    assert.ok(first);
    assert.equal(first.body, '{"detail":"Request was throttled. Expected available in 1 second."}');
    assert.equal(first.headers['content-type'], 'application/json');
    const normal = await call(`${url}/api/token/`, {
      method: 'POST',
      body: '{}',
      from: '127.0.0.13',
    });
    assert.equal(normal.status, 400);
  });

  it('keeps its database and every log readable by their owner only', () => {
    const files = [
      ...readdirSync(join(stateDir, 'log')).map((name) => join(stateDir, 'log', name)),
      ...readdirSync(stateDir)
        .filter((name) => name.startsWith('app.sqlite3'))
        .map((name) => join(stateDir, name)),
    ];
    assert.ok(files.some((file) => file.endsWith('access.log')));
    assert.ok(files.some((file) => file.endsWith('app.sqlite3-wal')));
    for (const file of files) assert.equal(statSync(file).mode & 0o077, 0, file);
  });

  it('limits logins by any spelling of their path, and answers 429 with Retry-After', async () => {
    const burst = await Promise.all(
      Array.from({ length: 20 }, () =>
        call(`${url}/API/Token/`, { method: 'POST', body: '{}', from: '127.0.0.19' }),
      ),
    );
    const throttled = burst.filter((r) => r.status === 429);
    assert.ok(throttled.length >= 10, `${throttled.length} of 20 throttled`);
    assert.equal(throttled[0]?.headers['retry-after'], '1');
    assert.ok(burst.every((r) => r.status === 429 || r.status === 404));
  });

  it("answers nginx's own errors with JSON, like the app's", async () => {
    const traversal = await rawHttp(url, `GET /../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(traversal, /^HTTP\/1\.1 400 [^]*\r\n\r\n\{"detail":"Bad request\."\}$/);
    const trace = await rawHttp(url, `TRACE / HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(trace, /^HTTP\/1\.1 405 [^]*\{"detail":"Method \\"TRACE\\" not allowed\."\}$/);
    const longUrl = await rawHttp(url, `GET /${'a'.repeat(9000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    assert.match(longUrl, /^HTTP\/1\.1 414 [^]*application\/json[^]*\{"detail":/);
    const longHeader = await rawHttp(
      url,
      `GET / HTTP/1.1\r\nHost: x\r\nX-A: ${'a'.repeat(9000)}\r\n\r\n`,
    );
    assert.match(
      longHeader,
      /^HTTP\/1\.1 400 [^]*\{"detail":"Request header fields are too large\."\}$/,
    );
    const twoAuthorizations = await rawHttp(
      url,
      `GET /hello/ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n`,
    );
    assert.match(twoAuthorizations, /^HTTP\/1\.1 400 [^]*\r\n\r\n\{"detail":"Bad request\."\}$/);
    const http2 = await rawHttp(url, `GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n`);
    assert.match(
      http2,
      /^HTTP\/1\.1 505 [^]*application\/json[^]*\{"detail":"HTTP version not supported\."\}$/,
    );
  });

  it('serves the API reference, which a browser renders with its stylesheet despite the CSP', async () => {
    const dom = chromium(['--dump-dom', `${url}/api/docs/`]);
    assert.match(dom, /<span class="method">POST<\/span> <code>\/api\/token\/<\/code>/);
    const png = join(tempDir(), 'reference.png');
    chromium([
      '--hide-scrollbars',
      '--window-size=1000,1400',
      `--screenshot=${png}`,
      `${url}/api/docs/`,
    ]);
    assert.ok(statSync(png).size > 30_000, 'the screenshot is nearly empty');
    // A stylesheet the Content-Security-Policy refused would never have been asked for. nginx
    // flushes its buffered access log within a second.
    const asked = /"uri":"\/api\/docs\/reference\.css","status":200/;
    const until = Date.now() + 5000;
    while (!asked.test(readFileSync(join(stateDir, 'log', 'access.log'), 'utf8'))) {
      assert.ok(Date.now() < until, 'the stylesheet was never asked for');
      await sleep(200);
    }
  });

  it('refuses a 1 MB body in nginx with 413 and JSON', async () => {
    const reply = await call(`${url}/api/token/`, {
      method: 'POST',
      body: `{"username":"${'a'.repeat(1024 * 1024)}"}`,
      from: '127.0.0.14',
    });
    assert.equal(reply.status, 413);
    assert.equal(reply.body, '{"detail":"Request body is too large."}');
    assert.equal(reply.headers.server, 'nginx');
  });

  it('sends the security headers on 200, 401, 404 and its own errors', async () => {
    const replies = [
      await call(`${url}/healthz`),
      await call(`${url}/hello/`),
      await call(`${url}/no-such-page`),
      await call(`${url}/api/token/`, {
        method: 'POST',
        body: 'x'.repeat(20_000),
        from: '127.0.0.15',
      }),
    ];
    assert.deepEqual(
      replies.map((r) => r.status),
      [200, 401, 404, 413],
    );
    for (const reply of replies) {
      for (const header of securityHeaders)
        assert.ok(reply.headers[header], `${header} on ${reply.status}`);
    }
  });

  it('serves TLS 1.2+ with its self-signed certificate, and HSTS only there', async () => {
    const tlsUrl = `https://127.0.0.1:${env.NGINX_TLS_PORT ?? ''}/healthz`;
    const reply = await new Promise<{ status: number; hsts: unknown; protocol: string }>(
      (resolve, reject) => {
        const req = httpsRequest(
          tlsUrl,
          { rejectUnauthorized: false, minVersion: 'TLSv1.2' },
          (res) => {
            res.resume();
            const protocol =
              res.socket instanceof TLSSocket ? (res.socket.getProtocol() ?? '') : '';
            res.on('end', () => {
              resolve({
                status: res.statusCode ?? 0,
                hsts: res.headers['strict-transport-security'],
                protocol,
              });
            });
          },
        );
        req.on('error', reject);
        req.end();
      },
    );
    assert.equal(reply.status, 200);
    assert.equal(reply.hsts, 'max-age=31536000');
    assert.match(reply.protocol, /^TLSv1\.[23]$/);
    assert.equal((await call(`${url}/healthz`)).headers['strict-transport-security'], undefined);
  });

  it('shows nginx_status to 127.0.0.1 only', async () => {
    const local = await call(`${url}/nginx_status`);
    assert.equal(local.status, 200);
    assert.match(local.body, /Active connections: \d+/);
    const other = await call(`${url}/nginx_status`, { from: '127.0.0.18' });
    assert.equal(other.status, 403);
    assert.equal(other.body, '{"detail":"You do not have permission to perform this action."}');
  });

  it('reloads with zero downtime: 8 clients for 3 s see no failure, 3 times over', async (t: TestContext) => {
    const { access } = await login('127.0.0.16');
    for (let round = 1; round <= 3; round += 1) {
      const loop = startRequestLoop({
        url: `${url}/hello/`,
        headers: { authorization: `Bearer ${access}` },
        clients: 8,
        maxSeconds: 30,
      });
      const started = Date.now();
      await sleep(300);
      const reload = await stack('reload');
      assert.equal(reload.code, 0, reload.stderr);
      await sleep(Math.max(0, 3000 - (Date.now() - started)));
      const counts = await loop.stop();
      t.diagnostic(
        `round ${round}: ${counts.requests} requests, statuses ${JSON.stringify(counts.statuses)}, errors ${JSON.stringify(counts.errors)}`,
      );
      assert.ok(counts.requests > 100, `only ${counts.requests} requests`);
      assert.equal(failuresOf(counts, 200), 0);
      assert.deepEqual(counts.errors, {});
    }
  });

  it('restarts a killed worker while GETs go on without a failure', async (t: TestContext) => {
    const { access } = await login('127.0.0.17');
    const before = await workers();
    const victim = before[0];
    assert.ok(victim);
    const auth = { authorization: `Bearer ${access}` };
    const gets = startRequestLoop({
      url: `${url}/hello/`,
      headers: auth,
      clients: 8,
      maxSeconds: 30,
    });
    const posts = startRequestLoop({
      url: `${url}/api/token/verify/`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: access }),
      clients: 2,
      maxSeconds: 30,
    });
    await sleep(500);
    process.kill(victim.pid, 'SIGKILL');
    let after = before;
    for (
      let i = 0;
      i < 50 &&
      (after.some((w) => w.pid === victim.pid) ||
        after.filter((w) => w.status === 'online').length < 2);
      i += 1
    ) {
      await sleep(200);
      after = await workers();
    }
    await sleep(1000);
    const [getCounts, postCounts] = [await gets.stop(), await posts.stop()];
    t.diagnostic(
      `GET: ${getCounts.requests} requests, ${JSON.stringify(getCounts.statuses)}, errors ${JSON.stringify(getCounts.errors)}`,
    );
    t.diagnostic(
      `POST: ${postCounts.requests} requests, ${failuresOf(postCounts, 200)} failed, ${JSON.stringify(postCounts.statuses)}`,
    );
    assert.ok(!after.some((w) => w.pid === victim.pid), 'the killed worker is still listed');
    assert.equal(after.filter((w) => w.status === 'online').length, 2);
    assert.ok(after.reduce((sum, w) => sum + w.restarts, 0) >= 1);
    assert.equal(failuresOf(getCounts, 200), 0);
    assert.deepEqual(getCounts.errors, {});
  });

  it('starts the workers again when pm2’s daemon is killed', async (t: TestContext) => {
    const daemon = Number(readFileSync(join(stateDir, 'pm2', 'pm2.pid'), 'utf8'));
    const killedAt = Date.now();
    process.kill(daemon, 'SIGKILL');
    let back: number | undefined;
    while (back === undefined && Date.now() - killedAt < 30_000) {
      await sleep(200);
      const reply = await call(`${url}/readyz`).catch(() => undefined);
      const answering = reply?.status === 200 && (await workers()).length === 2;
      if (answering && !isAlive(daemon)) back = Date.now() - killedAt;
    }
    t.diagnostic(`workers answering again ${String(back)} ms after the daemon was killed`);
    assert.ok(back !== undefined, 'the workers did not come back within 30 s');
    assert.match(
      readFileSync(join(stateDir, 'log', 'supervisor.log'), 'utf8'),
      /pm2's daemon is gone/,
    );
  });

  it('kills a hung worker for pm2 to replace, while GETs through nginx keep being answered', async (t: TestContext) => {
    const [hung] = await workers();
    assert.ok(hung);
    const gets = startRequestLoop({ url: `${url}/healthz`, clients: 4, maxSeconds: 40 });
    await sleep(500);
    process.kill(hung.pid, 'SIGSTOP');
    const stoppedAt = Date.now();
    let replaced: number | undefined;
    while (replaced === undefined && Date.now() - stoppedAt < 30_000) {
      await sleep(200);
      const now = await workers();
      const online = now.filter((w) => w.status === 'online' && w.pid !== hung.pid);
      if (!isAlive(hung.pid) && online.length === 2) replaced = Date.now() - stoppedAt;
    }
    await sleep(500);
    const counts = await gets.stop();
    t.diagnostic(
      `replaced after ${String(replaced)} ms; GET: ${counts.requests} requests, ${JSON.stringify(counts.statuses)}, errors ${JSON.stringify(counts.errors)}`,
    );
    assert.ok(replaced !== undefined, 'the hung worker was not replaced within 30 s');
    assert.match(readFileSync(join(stateDir, 'log', 'supervisor.log'), 'utf8'), /has not answered/);
    assert.equal(failuresOf(counts, 200), 0);
  });

  it('says so when started twice, and changes nothing', async () => {
    const again = await stack('up');
    assert.equal(again.code, 0);
    assert.match(again.stdout, /the stack is already running at .* \(nothing to do\)/);
  });

  it('stops at once, saying why, when the app cannot start, and leaves nothing running', async () => {
    const other = {
      STACK_STATE_DIR: tempDir(),
      NGINX_PORT: String(await freePort()),
      APP_PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
      NGINX_TLS_PORT: '',
      JWT_SIGNING_KEY: 'too-short',
    };
    const result = await stack('up', other);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /the app could not start:\nconfiguration error: JWT_SIGNING_KEY: HS256 needs a secret of at least 32 bytes in production, got 9/,
    );
    assert.match((await stack('status', other)).stdout, /the stack is not running/);
  });

  it('refuses to start on a port another program holds, naming the variable', async () => {
    const other = {
      STACK_STATE_DIR: tempDir(),
      NGINX_PORT: new URL(url).port,
      APP_PORT: String(await freePort()),
      METRICS_PORT: String(await freePort()),
    };
    const result = await stack('up', other);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /127\.0\.0\.1:\d+ is already in use by another program: free it or set NGINX_PORT/,
    );
  });
});
