/**
 * Monitoring the host stack for real: pm2 with two workers behind nginx, scraped through the
 * workers' metrics ports, watched with `npm run ops` (also in tmux, as a person would see it).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runScript } from '../../testing/run-script.ts';
import type { Snapshot } from '../ops-snapshot.ts';
import { parsePrometheusText, total } from '../prometheus-text.ts';
import { prepareTestStack, type TestStack } from '../../testing/test-stack.ts';

/** An address of this machine other than loopback, to knock on from outside. */
function outsideAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;
  assert.ok(address, 'this test needs a network interface besides loopback');
  return address;
}

const connects = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      resolve(false);
    });
  });

describe('monitoring the host stack', () => {
  let env: NodeJS.ProcessEnv;
  let url: string;
  let metricsPort: number;
  let stateDir: string;
  let token: string;
  let stack: TestStack['stack'];
  const ops = (...args: string[]) => runScript('ops/ops-cli.ts', args, { env });
  const opsJson = async () => {
    const result = await ops('--once', '--json');
    assert.equal(result.code, 0, result.stderr);
    return JSON.parse(result.stdout) as Snapshot;
  };
  const scrape = async (port: number) =>
    parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());

  before(async () => {
    ({ env, url, stateDir, metricsPort, stack } = await prepareTestStack({
      PM2_LOG_MAX_SIZE: '1K',
      PM2_LOG_CHECK_SECONDS: '1',
      NGINX_LOGIN_RATE: '1000r/s',
      // Every request logged, so the app's log outgrows PM2_LOG_MAX_SIZE quickly.
      LOG_REQUESTS: 'all',
    }));
    const up = await stack('up');
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const login = await fetch(`${url}/api/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'pw' }),
    });
    token = ((await login.json()) as { access: string }).access;
  });

  after(async () => {
    await stack('down');
    spawnSync('tmux', ['kill-session', '-t', `ops-${process.pid}`]);
  });

  it('sums the requests of both workers, whichever worker answers the scrape', async () => {
    const before = total(await scrape(metricsPort), 'http_requests_total');
    const n = 60;
    for (let i = 0; i < n; i += 1) {
      const reply = await fetch(`${url}/hello/`, { headers: { authorization: `Bearer ${token}` } });
      assert.equal(reply.status, 200);
    }
    for (const port of [metricsPort, metricsPort + 1]) {
      const samples = await scrape(port);
      assert.equal(total(samples, 'http_requests_total') - before, n, `scraped on ${port}`);
      const shares = samples.filter((s) => s.name === 'app_worker_http_requests_total');
      assert.equal(shares.length, 2);
      assert.equal(
        total(samples, 'app_worker_http_requests_total'),
        total(samples, 'http_requests_total'),
      );
      assert.equal(total(samples, 'nginx_up'), 1);
    }
  });

  it('keeps the metrics off the public listener and off every address but loopback', async () => {
    const reply = await fetch(`${url}/metrics`);
    assert.equal(reply.status, 404);
    assert.doesNotMatch(await reply.text(), /http_requests_total/);
    assert.equal(await connects('127.0.0.1', metricsPort), true);
    assert.equal(await connects(outsideAddress(), metricsPort), false);
  });

  it('lists both workers, ready, and nginx in `ops --once --json`', async () => {
    const snapshot = await opsJson();
    assert.equal(snapshot.running, true);
    assert.deepEqual(
      snapshot.workers.map((w) => [w.worker, w.status, w.ready]),
      [
        [0, 'online', true],
        [1, 'online', true],
      ],
    );
    assert.ok(snapshot.requests_total >= 60);
    const { nginx } = snapshot;
    assert.ok(nginx, 'no nginx in the snapshot');
    assert.equal(nginx.up, true);
    assert.ok(nginx.accepted > 0);
  });

  it('shows the restart when a worker is killed', async () => {
    const [victim] = (await opsJson()).workers;
    assert.ok(victim);
    process.kill(victim.pid, 'SIGKILL');
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { workers, restarted } = await opsJson();
      const replaced = workers.find((w) => w.worker === victim.worker);
      if (replaced && replaced.pid !== victim.pid && replaced.restarts === 1 && replaced.ready) {
        assert.deepEqual(
          restarted.map((r) => [r.worker, r.pid]),
          [[victim.worker, replaced.pid]],
        );
        const view = await ops('--once');
        assert.match(
          view.stdout,
          new RegExp(`RESTARTED worker ${victim.worker ?? '?'} \\(pid ${replaced.pid}\\)`),
        );
        break;
      }
      assert.ok(Date.now() < deadline, `no restart shown: ${JSON.stringify(workers)}`);
      await sleep(250);
    }
  });

  it('rotates the app log once it outgrows PM2_LOG_MAX_SIZE', async () => {
    const logDir = join(stateDir, 'log');
    const deadline = Date.now() + 15_000;
    while (!readdirSync(logDir).some((file) => /^api\.out__.*\.log$/.test(file))) {
      assert.ok(Date.now() < deadline, `no rotated log in ${readdirSync(logDir).join(', ')}`);
      await fetch(`${url}/healthz`);
      await sleep(200);
    }
    assert.ok(existsSync(join(logDir, 'api.out.log')));
  });

  it("rotates nginx's access log too, and nginx writes on into a new one", async () => {
    const logDir = join(stateDir, 'log');
    const rotated = () => readdirSync(logDir).filter((file) => file.startsWith('access.log.'));
    const deadline = Date.now() + 15_000;
    while (rotated().length === 0) {
      assert.ok(
        Date.now() < deadline,
        `no rotated access log in ${readdirSync(logDir).join(', ')}`,
      );
      await fetch(`${url}/healthz`);
      await sleep(200);
    }
    await fetch(`${url}/after-rotation`);
    // nginx flushes its buffered access log within a second.
    const until = Date.now() + 5000;
    while (!readFileSync(join(logDir, 'access.log'), 'utf8').includes('after-rotation')) {
      assert.ok(Date.now() < until, 'nginx wrote nothing into the new access log');
      await sleep(200);
    }
  });

  it('draws the live view in a real 80-column terminal without stray escape codes', async () => {
    const session = `ops-${process.pid}`;
    const variables = Object.entries({ ...env, PATH: process.env.PATH ?? '' }).map(
      ([key, value]) => `${key}=${value}`,
    );
    const command = ['env', ...variables, process.execPath, 'ops/ops-cli.ts', '--interval', '1'];
    const started = spawnSync('tmux', [
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '80',
      '-y',
      '30',
      ...command,
    ]);
    assert.equal(started.status, 0, String(started.stderr));
    let screen = '';
    const deadline = Date.now() + 10_000;
    // The second frame has rates: wait for a figure in the requests line.
    while (!/^requests \d/m.test(screen)) {
      assert.ok(Date.now() < deadline, `the view did not draw:\n${screen}`);
      await sleep(300);
      screen = spawnSync('tmux', ['capture-pane', '-p', '-t', session], {
        encoding: 'utf8',
      }).stdout;
    }
    spawnSync('tmux', ['kill-session', '-t', session]);
    const lines = screen.split('\n');
    assert.match(lines[0] ?? '', /^prodstack ops {2}\d\d:\d\d:\d\d {2}every 1 s, Ctrl-C quits$/);
    assert.equal(lines.filter((line) => /^[01] {7}\d+ +online +yes /.test(line)).length, 2, screen);
    assert.ok(
      lines.some((line) => line.startsWith('nginx   up   active ')),
      screen,
    );
    for (const line of lines) {
      assert.ok(line.length <= 80, `wider than 80: ${line}`);
      assert.ok(!line.includes('\u001b'), `an escape character on screen: ${line}`);
      assert.doesNotMatch(line, /\[\?25|\[K|\[J/, 'an escape code was drawn as text');
    }
  });

  it('says plainly when the stack is not running', async () => {
    assert.equal((await stack('down')).code, 0);
    const result = await ops('--once');
    assert.equal(result.code, 3);
    assert.match(
      result.stdout,
      /The stack is not running: its metrics do not answer and pm2 has no workers\./,
    );
  });
});
