import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { runScript } from '../../../tools/testing/run-script.ts';
import { tempDir } from '../../../tools/testing/temp-dir.ts';
import type { Results } from '../../report/results.ts';
import { chromium } from '../../../tools/testing/chromium.ts';

const cli = 'loadtest/runner/loadtest-cli.ts';

describe('npm run loadtest: a short run of every scenario against the dev server and the stack', () => {
  let reports: string;
  let state: string;
  let result: Awaited<ReturnType<typeof runScript>>;
  let results: Results;

  before(async () => {
    reports = tempDir();
    state = tempDir();
    const env = {
      HOME: process.env.HOME,
      LOADTEST_REPORTS_DIR: reports,
      LOADTEST_STATE_DIR: state,
    };
    result = await runScript(cli, ['--duration', '2s', '--warmup', '1s', '--rate', '50'], { env });
    results = JSON.parse(readFileSync(join(reports, 'latest', 'results.json'), 'utf8')) as Results;
  });

  it('finishes and prints the comparison table with prod/dev ratios', () => {
    // On a CI machine busy with other suites, a two-second run may cross a latency budget; that
    // exits 1 by design. Anything else, an error threshold above all, fails this test.
    const crossed = [...result.stderr.matchAll(/threshold crossed: (\S+)/g)].map((m) => m[1]);
    const onlyLatency =
      crossed.length > 0 && crossed.every((c) => c?.startsWith('http_req_duration'));
    assert.ok(
      result.code === 0 || (result.code === 1 && onlyLatency),
      result.stdout + result.stderr,
    );
    assert.match(
      result.stdout,
      /\| scenario \| dev req\/s \| dev p95 ms \| dev errors \| prod req\/s \|.*\| prod\/dev req\/s \| dev\/prod p95 \|/,
    );
    for (const scenario of ['hello', 'login', 'refresh', 'mixed']) {
      assert.match(
        result.stdout,
        new RegExp(`^\\| ${scenario} \\| [\\d.]+ \\|.*\\| [\\d.]+x \\| [\\d.]+x \\|$`, 'm'),
      );
    }
  });

  it('really ran k6, and says which', () => {
    assert.match(results.machine.k6, /^k6 v1\.8\.1 /);
    assert.match(readFileSync(join(reports, 'latest', 'report.md'), 'utf8'), /k6 v1\.8\.1/);
  });

  it('has numbers for both targets in every scenario', () => {
    for (const target of ['dev', 'prod']) {
      for (const scenario of ['hello', 'login', 'refresh', 'mixed']) {
        const figures = results.targets[target]?.[scenario];
        assert.ok(figures, `${target} · ${scenario}`);
        assert.ok(
          figures.requests > 0 && figures.rps > 0 && figures.p95_ms > 0,
          `${target} · ${scenario}: ${JSON.stringify(figures)}`,
        );
        assert.equal(figures.error_rate, 0, `${target} · ${scenario}`);
      }
      assert.ok((results.time_series[target] ?? []).length > 0);
    }
  });

  it('writes results.json that validates against its schema', () => {
    const schema = JSON.parse(readFileSync('loadtest/results.schema.json', 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
    assert.ok(validate(results), JSON.stringify(validate.errors));
    assert.match(readlinkSync(join(reports, 'latest')), /^\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
  });

  it('writes report.html that renders in headless Chromium with its charts', () => {
    const html = join(reports, 'latest', 'report.html');
    const dom = chromium(['--dump-dom', `file://${html}`]);
    assert.equal((dom.match(/<svg class="chart"/g) ?? []).length, 5);
    assert.ok((dom.match(/<rect class="bar"/g) ?? []).length >= 16);
    assert.equal((dom.match(/<path class="line"/g) ?? []).length, 4);
    assert.doesNotMatch(
      readFileSync(html, 'utf8'),
      /<script|https?:\/\/(?!www\.w3\.org)/,
      'no script, no network',
    );
    const png = join(tempDir(), 'report.png');
    chromium([
      '--hide-scrollbars',
      '--window-size=900,2400',
      `--screenshot=${png}`,
      `file://${html}`,
    ]);
    assert.ok(readFileSync(png).length > 50_000, 'the screenshot is nearly empty');
  });

  it('leaves no server running', async () => {
    for (const url of Object.values(results.urls)) {
      await assert.rejects(fetch(`${url}/healthz`), /fetch failed/, url);
    }
    for (const pidFile of [
      join(state, 'stack', 'pm2', 'pm2.pid'),
      join(state, 'stack', 'nginx', 'run', 'nginx.pid'),
    ]) {
      if (!existsSync(pidFile)) continue;
      const pid = Number(readFileSync(pidFile, 'utf8'));
      assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' }, pidFile);
    }
  });
});

/** A --target run's environment: its test user, and a reports folder of its own. */
const targetEnv = () => ({
  HOME: process.env.HOME,
  LOADTEST_REPORTS_DIR: tempDir(),
  LOADTEST_USER: 'u',
  LOADTEST_PASSWORD: 'p',
});

describe('npm run loadtest -- --target', () => {
  let server: Server;
  let url: string;

  before(async () => {
    // A server that lets the user in and then fails every request: the thresholds must catch it.
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/readyz') res.end('{"status":"ready"}');
      else if (req.url === '/api/token/') res.end('{"access":"a","refresh":"r"}');
      else {
        res.statusCode = 500;
        res.end('{"detail":"broken"}');
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(
    () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  );

  it('fails the run with a clear message when the target answers with errors', async () => {
    const result = await runScript(
      cli,
      [
        '--target',
        url,
        '--scenarios',
        'hello',
        '--duration',
        '2s',
        '--warmup',
        '1s',
        '--rate',
        '20',
      ],
      { env: targetEnv() },
    );
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /loadtest: the run broke its thresholds:\n {2}target · hello: threshold crossed: http_req_failed\{scenario:measure\} rate<0\.01/,
    );
    assert.match(result.stdout, /\| hello \| [\d.]+ \| [\d.]+ \| 100\.00% \|/);
  });

  it('asks for the test user of that stack', async () => {
    const result = await runScript(cli, ['--target', url], { env: { HOME: process.env.HOME } });
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /--target needs the test user of that stack: set LOADTEST_USER and LOADTEST_PASSWORD/,
    );
  });

  it('says when the target is down, before any load', async () => {
    const result = await runScript(
      cli,
      ['--target', 'http://127.0.0.1:9', '--scenarios', 'hello', '--duration', '1s'],
      { env: targetEnv() },
    );
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /k6 could not run hello against http:\/\/127\.0\.0\.1:9 \(exit \d+\): http:\/\/127\.0\.0\.1:9\/readyz answered .*is the server running\?/,
    );
  });
});
