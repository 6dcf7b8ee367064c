import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { runScript } from '../../../testing/run-script.ts';
import { tempDir } from '../../../testing/temp-dir.ts';
import { isAlive } from '../../../tools/run-tool.ts';
import type { CpuPerRequest, ProjectedCapacity, Results } from '../../report/results.ts';
import { chromium } from '../../../testing/chromium.ts';

const cli = 'loadtest/runner/loadtest-cli.ts';

describe('npm run loadtest: a short run of every scenario and experiment against the dev server and the stack', () => {
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
    // No --rate: the run chooses one each target can serve, however busy the machine is.
    result = await runScript(cli, ['--quick', '--duration', '2s', '--warmup', '1s'], { env });
    results = JSON.parse(readFileSync(join(reports, 'latest', 'results.json'), 'utf8')) as Results;
  });

  it('finishes and prints the comparison table with prod/dev ratios', () => {
    // A latency budget crossed on a CI machine busy with other suites is a finding, said and
    // not failed; errors, or a request the stack lost, would exit 1.
    assert.equal(result.code, 0, result.stdout + result.stderr);
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

  it('prints the headline first: capacity, deploy, crash and brute force, dev against prod', () => {
    assert.match(result.stdout, /^\| {2}\| dev \| prod \| prod vs dev \|$/m);
    for (const row of [
      /^\| capacity, GET \/hello\/ \(p95 ≤ 100 ms\) \| [\d,]+ req\/s \| [\d,]+ req\/s \| [\d.]+× \|$/m,
      /^\| failed requests during a deploy \| [\d,]+ of [\d,]+, longest gap [\d.]+ s \| 0 of [\d,]+, /m,
      /^\| failed requests after a crash \| [\d,]+ of [\d,]+( \(\d+ a refresh the killed process held\))?, never answered again \| [\d,]+ of [\d,]+( \(\d+ a refresh the killed process held\))?, answering after [\d.]+ s \|/m,
      /^\| brute force: guesses hashed \| [\d,]+ of [\d,]+ \([\d,]+ refused\) \| /m,
    ]) {
      assert.match(result.stdout, row);
    }
  });

  it('finds each target’s capacity by its own search, and says what stopped it', () => {
    for (const target of ['dev', 'prod']) {
      const search = results.comparison.capacity_search[target];
      assert.ok(search, target);
      assert.ok((results.comparison.capacity[target]?.hello_rps ?? 0) > 0, target);
      assert.ok(search.hello.steps.length >= 2, target);
      assert.ok(
        search.hello.steps.every((step) => step.k6_cpu_share > 0),
        target,
      );
      assert.ok(search.hello.stopped_by.length > 0, target);
    }
  });

  it('measures what a request cost each target and projects it to 8 cores, beside this machine’s', () => {
    const projection = results.comparison.projection;
    assert.ok(projection);
    assert.deepEqual(projection.cores, [cpus().length, 8]);
    for (const target of ['dev', 'prod']) {
      for (const scenario of ['hello', 'mixed'] as const) {
        const projected: ProjectedCapacity | null | undefined =
          projection.targets[target]?.[scenario];
        assert.ok(projected, `${target} · ${scenario}`);
        const us: CpuPerRequest = projected.cost.per_request;
        assert.ok(us.total_us > 0 && us.js_us > 0, JSON.stringify(projected));
        // nginx is the stack's alone (a short mixed search has too few requests to draw its share).
        if (target === 'dev') assert.equal(us.nginx_us, 0);
        if (target === 'prod' && scenario === 'hello')
          assert.ok(us.nginx_us > 0, JSON.stringify(us));
        assert.equal(projected.rps.length, 2);
      }
      // The dev server's JavaScript runs on one thread however many cores the host has.
      const devHello = projection.targets.dev?.hello;
      assert.ok(devHello && (devHello.rps[1] ?? 0) <= 1e6 / devHello.cost.per_request.js_us);
    }
    const prodHello = projection.targets.prod?.hello;
    assert.ok(prodHello && (prodHello.rps[1] ?? 0) > (prodHello.rps[0] ?? 0));
    assert.match(
      result.stdout,
      /^\| projected capacity, GET \/hello\/, 8 cores for the server \| [\d,]+ req\/s \| [\d,]+ req\/s \| [\d.]+× \|$/m,
    );
    assert.match(
      result.stdout,
      /^\| CPU a request cost, mixed \(k6 apart\) \| [\d,]+ µs \([\d,]+ a core-second\) \| /m,
    );
  });

  it('checks the projection with the target pinned to one core and k6 to another', () => {
    for (const target of ['dev', 'prod']) {
      for (const scenario of ['hello', 'mixed'] as const) {
        const rows = results.comparison.projection_check[target]?.[scenario];
        assert.ok(rows, `${target} · ${scenario}`);
        assert.deepEqual(
          // Other processes are named where they took a tenth of a core or more.
          rows.map((row) =>
            row.setup.replace(/\b\d+(\.\d+)?\b/g, 'N').replace(/, other processes N$/, ''),
          ),
          ['N core (taskset), k6 on another', 'N cores shared: k6 took N'],
        );
        assert.equal(rows[0]?.cores, 1);
        assert.ok(
          rows.every((row) => row.predicted_rps > 0),
          JSON.stringify(rows),
        );
        // Measured on core 0 alone: the search says what ended it.
        assert.ok(
          rows.every((row) => row.stopped_by.length > 0),
          JSON.stringify(rows),
        );
      }
    }
    assert.match(
      result.stdout,
      /^\| prod · mixed \| 1 core \(taskset\), k6 on another \| [\d,]+ req\/s on 1 core \| /m,
    );
  });

  it('drops no request when the stack reloads or loses a worker; the dev server does, and stays down', () => {
    const { deploy, crash } = results.comparison;
    assert.ok(deploy.prod && crash.prod && crash.dev, 'every event experiment ran');
    assert.equal(deploy.prod.failed, 0);
    assert.ok(deploy.prod.requests > 100);
    assert.ok(crash.prod.recovered_ms !== null && crash.prod.recovered_ms < 5000);
    // Only a refresh the killed worker held may fail: nginx resends the rest.
    assert.equal(crash.prod.failed, crash.prod.lost_in_flight, JSON.stringify(crash.prod));
    assert.equal(crash.dev.recovered_ms, null);
    assert.ok(crash.dev.failed > 0);
  });

  it('lets nginx refuse most guesses before any is hashed on the stack', () => {
    const { prod, dev } = results.comparison.bruteforce;
    assert.ok(prod && dev);
    assert.ok(prod.refused > prod.hashed, JSON.stringify(prod));
    assert.ok(prod.hashed < dev.hashed + 10, JSON.stringify({ prod, dev }));
    assert.ok(prod.legit_logins > 0 && dev.legit_logins > 0);
    // One fixed attack rate for both, and the other user's logins alone first, as the baseline.
    assert.equal(prod.attack_rate, 100);
    assert.equal(dev.attack_rate, 100);
    assert.ok(prod.idle_p95_ms > 0 && dev.idle_p95_ms > 0, JSON.stringify({ prod, dev }));
  });

  it('says which fixed rate it ran at and why, and the machine load it saw', () => {
    assert.match(
      results.settings.rate_choice,
      /^Fixed rates chosen from the capacity search, half of what the slower target sustained \(hello: (dev|prod) [\d.]+ req\/s; mixed: (dev|prod) (below the first step of 10|[\d.]+) req\/s\): hello \d+\/s, login \d+\/s, refresh \d+\/s, mixed \d+\/s; the deploy and crash traffic at \d+\/s\./,
    );
    const chosen = Number(/: hello (\d+)\/s,/.exec(results.settings.rate_choice)?.[1]);
    assert.equal(results.settings.rates_per_s.hello, chosen);
    assert.ok(results.settings.notes.includes(results.settings.rate_choice));
    const load = results.machine.others_cpu;
    assert.ok(load && load.mean >= 0 && load.peak <= 1, JSON.stringify(load));
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
    // The experiments: capacity (2 scenarios × 2 charts), deploy and crash per target; then 5.
    assert.equal((dom.match(/<svg class="chart"/g) ?? []).length, 4 + 4 + 5);
    assert.match(dom, /<table class="headline-table">[^]*failed requests after a crash/);
    assert.match(dom, /npm run stack -- reload/);
    assert.match(dom, /<table class="projection-check-table">[^]*1 core \(taskset\)/);
    assert.ok((dom.match(/<rect class="bar"/g) ?? []).length >= 16);
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
      assert.equal(isAlive(pid), false, `${pidFile} names a running process`);
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

/**
 * A stand-in for a deployed stack: ready, and letting the test user in; every other request is
 * answered by `answer`. Its URL, once it listens.
 */
async function fakeTarget(
  answer: (res: ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/readyz') res.end('{"status":"ready"}');
    else if (req.url === '/api/token/') res.end('{"access":"a","refresh":"r"}');
    else answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
}

describe('npm run loadtest -- --target', () => {
  let server: Server;
  let url: string;

  before(async () => {
    // It fails every request past the login: the thresholds must catch it.
    ({ server, url } = await fakeTarget((res) => {
      res.statusCode = 500;
      res.end('{"detail":"broken"}');
    }));
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
    // Errors are a failure of the target, whatever --strict says.
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
        '--quick',
      ],
      { env: targetEnv() },
    );
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /^\| capacity, GET \/hello\/ \(p95 ≤ 100 ms\) \| below the first step \|$/m,
    );
    assert.match(
      result.stdout,
      /Not run: deploy, crash and brute force: they need a stack this run starts/,
    );
    assert.match(
      result.stderr,
      /loadtest: a target failed:\n {2}target · hello: threshold crossed: http_req_failed\{scenario:measure\} rate<0\.01/,
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
      /k6 could not run hello against http:\/\/127\.0\.0\.1:9 \(exit \d+, a capacity step\): http:\/\/127\.0\.0\.1:9\/readyz answered .*is the server running\?/,
    );
  });
});

describe('npm run loadtest -- --target, against a slow target', () => {
  let server: Server;
  let url: string;

  before(async () => {
    // Every request answered, /hello/ after 1.2 s: above the hello scenario's p95 budget of 1 s.
    ({ server, url } = await fakeTarget((res) => {
      setTimeout(() => res.end('{"message":"Hello, World!"}'), 1200);
    }));
  });
  after(
    () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  );

  const run = (extra: string[]) => {
    const env = targetEnv();
    const args = ['--target', url, '--scenarios', 'hello', '--duration', '2s', '--warmup', '1s'];
    return runScript(cli, [...args, '--quick', ...extra], { env }).then((result) => ({
      result,
      results: JSON.parse(
        readFileSync(join(env.LOADTEST_REPORTS_DIR, 'latest', 'results.json'), 'utf8'),
      ) as Results,
    }));
  };

  it('chooses the fixed rate from the capacity it found, says why, and reports slowness as a finding: exit 0', async () => {
    const { result, results } = await run([]);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    // Both searches failed their first step (hello at 200/s, mixed at 10/s): half of each.
    assert.match(
      results.settings.rate_choice,
      /^Fixed rates chosen from the capacity search, half of what the slower target sustained \(hello: target below the first step of 200 req\/s; mixed: target below the first step of 10 req\/s\): hello 5\/s; the deploy and crash traffic at 50\/s\./,
    );
    assert.deepEqual(results.settings.rates_per_s, { hello: 5 });
    assert.match(result.stdout, /Fixed rates chosen from the capacity search/);
    assert.match(
      result.stdout,
      /latency above the scenarios' thresholds:\n {2}target · hello: threshold crossed: http_req_duration/,
    );
  });

  it('exits 99, as k6 does, for the same slowness with --strict', async () => {
    const { result } = await run(['--strict', '--rate', '5']);
    assert.equal(result.code, 99, result.stdout + result.stderr);
    assert.match(result.stderr, /loadtest: latency above the scenarios' thresholds/);
  });
});
