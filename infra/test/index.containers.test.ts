/**
 * The Pulumi program's containers, run for real: the resources index.ts declares (recorded under
 * the mock runtime) are created on the Docker engine by the docker CLI (support/docker-cli.ts),
 * then the stack is exercised through the nginx container. `npm run test:containers` runs this
 * file alone. Needs a Docker engine and the local base images (npm run setup makes both).
 */
import assert from 'node:assert/strict';
import { randomBytes, X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { send } from '../../testing/http-client.ts';
import { httpsGet, selfSignedPair } from '../../testing/tls-pairs.ts';
import { imageExists, requireEngine } from '../../tools/docker.ts';
import { localBaseImages } from '../../tools/base-images/local-base-images.ts';
import { freePort, waitForOk } from '../../tools/network.ts';
import {
  deploy,
  dockerSteps,
  healthOf,
  runDocker,
  update,
  type Deployed,
} from './support/docker-cli.ts';
import { failuresOf, startRequestLoop, type LoopCounts } from '../../testing/request-loop.ts';
import { startRefreshChain } from '../../testing/refresh-chain.ts';
import { leftovers, removeLeftovers, type ResourceKind } from './support/leftovers.ts';
import { driftAfterUp } from './support/read-back.ts';
import { ofType, runProgram, type ProgramRun } from './support/mock-runtime.ts';
import { renewUnderLoad } from './support/tls-renewal.ts';

const stackName = 'containertest';
const prefix = `prodstack-${stackName}-`;
const password = 'correct horse battery staple';

interface Pm2Process {
  pid: number;
  pm2_env: { status: string; restart_time: number };
}

function inContainer(container: string, args: string[], input?: string): string {
  const { status, output } = runDocker({
    args: ['exec', ...(input === undefined ? [] : ['-i']), container, ...args],
    ...(input === undefined ? {} : { input }),
  });
  assert.equal(status, 0, `docker exec ${container} ${args.join(' ')}:\n${output}`);
  return output;
}

/** A docker command of the test's own, which must succeed: what it printed. */
function docker(args: string[]): string {
  const { status, output } = runDocker({ args });
  assert.equal(status, 0, `docker ${args.join(' ')}:\n${output}`);
  return output;
}

const pm2Processes = (container: string): Pm2Process[] =>
  JSON.parse(inContainer(container, ['node_modules/.bin/pm2', 'jlist'])) as Pm2Process[];

/** What this stack may leave on the engine. */
const kinds: ResourceKind[] = ['container', 'network', 'volume'];

describe('the Pulumi program on a real Docker engine', { timeout: 15 * 60_000 }, () => {
  let run: ProgramRun;
  let config: Record<string, string>;
  let deployed: Deployed | undefined;
  let removeStack: (() => Promise<void>) | undefined;
  let apps: string[];
  /** The API over plain HTTP (plainHttp serve), and over HTTPS with the test's own pair. */
  let api: string;
  let tlsApi: string;
  const firstPair = selfSignedPair();

  const login = async () => {
    const reply = await send('POST', `${api}api/token/`, { json: { username: 'alice', password } });
    assert.equal(reply.status, 200, reply.text);
    return reply.json as { access: string; refresh: string };
  };

  before(async (context) => {
    requireEngine();
    for (const base of [localBaseImages.node, localBaseImages.nginx]) {
      assert.ok(imageExists(base), `${base} is missing: run npm run base-images`);
    }
    config = {
      jwtSigningKey: randomBytes(48).toString('base64'),
      replicas: '2',
      workersPerContainer: '2',
      publicPort: String(await freePort()),
      appBaseImage: localBaseImages.node,
      nginxBaseImage: localBaseImages.nginx,
      tlsCertificate: firstPair.certificate,
      tlsKey: firstPair.key,
      tlsPort: String(await freePort()),
      // The tests below speak plain HTTP; the redirect is nginx's, tested with nginx's config.
      plainHttp: 'serve',
    };
    run = await runProgram(config, stackName);
    api = `http://127.0.0.1:${config.publicPort}/`;
    tlsApi = run.url;
    apps = run.containerNames.filter((name) => name.includes('-app-'));
    removeLeftovers(prefix, kinds);
    const started = Date.now();
    deployed = await deploy(dockerSteps(run.resources), (line) => {
      context.diagnostic(line);
    });
    removeStack = deployed.remove;
    await waitForOk(`${api}readyz`, 30_000);
    context.diagnostic(
      `from nothing to a healthy stack: ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    inContainer(
      apps[0] ?? '',
      ['node', 'dist/app/src/cli/users-cli.js', 'add', 'alice'],
      `${password}\n`,
    );
  });

  after(async () => {
    await removeStack?.();
    removeLeftovers(prefix, kinds);
  });

  it('reads every resource back from the engine as declared, in the provider’s forms: a refresh plans no change', () => {
    assert.deepEqual(driftAfterUp(run.resources), []);
  });

  it('runs every app container the program declares, each reporting healthy', () => {
    assert.equal(apps.length, 2);
    for (const app of apps) assert.equal(healthOf(app), 'healthy', app);
  });

  it('runs pm2 in cluster mode in each app container, with the declared number of workers', () => {
    for (const app of apps) {
      const workers = pm2Processes(app);
      assert.equal(workers.length, 2, app);
      assert.ok(
        workers.every((worker) => worker.pm2_env.status === 'online'),
        app,
      );
    }
  });

  it('logs in, calls /hello/ and refreshes through the nginx container', async () => {
    const tokens = await login();
    const hello = await send('GET', `${api}hello/`, { token: tokens.access });
    assert.equal(hello.status, 200, hello.text);
    assert.deepEqual(hello.json, { message: 'Hello, World!' });
    const refreshed = await send('POST', `${api}api/token/refresh/`, {
      json: { refresh: tokens.refresh },
    });
    assert.equal(refreshed.status, 200, refreshed.text);
    assert.equal(typeof refreshed.json.access, 'string');
  });

  it('keeps the app read-only but for /tmp, unprivileged and without capabilities', () => {
    const app = apps[0] ?? '';
    assert.equal(inContainer(app, ['id', '-u']), '1000');
    const denied = runDocker({ args: ['exec', app, 'touch', '/app/written'] });
    assert.notEqual(denied.status, 0);
    assert.match(denied.output, /Read-only file system/);
    const status = inContainer(app, ['cat', '/proc/1/status']);
    assert.match(status, /^CapEff:\s+0+$/m);
    assert.match(status, /^NoNewPrivs:\s+1$/m);
  });

  it('has a worker killed inside a container restarted by pm2', async () => {
    const app = apps[0] ?? '';
    const [victim] = pm2Processes(app);
    assert.ok(victim);
    // The image has no kill(1); node sends the signal.
    inContainer(app, ['node', '-e', `process.kill(${victim.pid}, 'SIGKILL')`]);
    const deadline = Date.now() + 30_000;
    let workers = pm2Processes(app);
    while (!(
      workers.length === 2 &&
      workers.every((worker) => worker.pm2_env.status === 'online') &&
      workers.some((worker) => worker.pm2_env.restart_time >= 1) &&
      !workers.some((worker) => worker.pid === victim.pid)
    )) {
      assert.ok(
        Date.now() < deadline,
        `pm2 did not restart the worker: ${JSON.stringify(workers.map((w) => [w.pid, w.pm2_env]))}`,
      );
      await sleep(250);
      workers = pm2Processes(app);
    }
    const tokens = await login();
    assert.equal((await send('GET', `${api}hello/`, { token: tokens.access })).status, 200);
  });

  it('still answers through nginx with one app container stopped', async () => {
    runDocker({ args: ['stop', apps[1] ?? ''] });
    const tokens = await login();
    for (let i = 0; i < 20; i += 1) {
      const hello = await send('GET', `${api}hello/`, { token: tokens.access });
      assert.equal(hello.status, 200, `request ${i + 1}: ${hello.text}`);
    }
  });

  it('sends the image builds only what they copy: no Pulumi stack file, no docs, no tests', () => {
    const [image] = ofType(run, 'docker:index/image:Image');
    const { context } = (image?.inputs.build ?? {}) as { context?: string };
    assert.ok(context);
    const probe = `${prefix}context-probe`;
    const dockerfile = `FROM ${localBaseImages.debian}\nCOPY . /context\nRUN find /context -maxdepth 2 | sort\n`;
    const built = runDocker({
      args: ['build', '--no-cache', '--force-rm', '-t', probe, '-f', '-', context],
      input: dockerfile,
    });
    runDocker({ args: ['rmi', probe] });
    assert.equal(built.status, 0, built.output);
    const sent = built.output.split('\n').filter((line) => line.startsWith('/context/'));
    assert.ok(sent.includes('/context/app/src'), built.output);
    assert.ok(sent.includes('/context/nginx/nginx.conf'), built.output);
    for (const left of ['infra', 'docs', 'loadtest', 'README.md', 'nginx/test', 'app/test']) {
      assert.ok(!sent.includes(`/context/${left}`), `${left} reached the build context`);
    }
  });

  it('answers over HTTPS with the pair it was given, which a client checks as its CA', async () => {
    assert.equal(tlsApi, `https://127.0.0.1:${config.tlsPort}/`);
    const { status, certificate } = await httpsGet(`${tlsApi}readyz`, [firstPair.certificate]);
    assert.equal(status, 200);
    assert.equal(
      certificate.fingerprint256,
      new X509Certificate(firstPair.certificate).fingerprint256,
    );
    await assert.rejects(httpsGet(`${tlsApi}readyz`, [selfSignedPair().certificate]), {
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });

  it('renews the pair under load without a failed request: a new keeper installs it, and nginx serves it without a restart', async (context) => {
    const nextPair = selfSignedPair();
    const nginx = `${prefix}nginx`;
    const startedAt = () => docker(['inspect', '--format', '{{.Id}} {{.State.StartedAt}}', nginx]);
    const nginxBefore = startedAt();
    await renewUnderLoad({
      tlsApi,
      access: (await login()).access,
      from: firstPair,
      to: nextPair,
      say: (line) => {
        context.diagnostic(line);
      },
      renew: async () => {
        config = { ...config, tlsCertificate: nextPair.certificate, tlsKey: nextPair.key };
        const next = await runProgram(config, stackName);
        assert.ok(deployed);
        deployed = await update({ resources: run.resources, deployed }, next.resources, (line) => {
          context.diagnostic(line);
        });
        removeStack = deployed.remove;
        run = next;
      },
    });
    assert.equal(startedAt(), nginxBefore, 'nginx was restarted');
    assert.deepEqual(
      leftovers(prefix, ['container']).filter((name) => name.includes('-tls-keeper-')),
      run.containerNames.filter((name) => name.includes('-tls-keeper-')),
    );
  });

  it('deploys a new app image under load without a failed request: new containers first, then the old drained', async (context) => {
    // A new release of the app: here the same app on its base image under another name, which
    // is a new build to the program and to the provider.
    const nextBase = `${localBaseImages.node}-next`;
    runDocker({ args: ['tag', localBaseImages.node, nextBase] });
    const next = await runProgram({ ...config, appBaseImage: nextBase }, stackName);
    const oldApps = apps;
    const newApps = next.containerNames.filter((name) => name.includes('-app-'));
    assert.equal(newApps.filter((name) => oldApps.includes(name)).length, 0);
    const { access } = await login();
    const load = startRequestLoop({
      url: `${api}hello/`,
      headers: { authorization: `Bearer ${access}` },
      clients: 4,
      maxSeconds: 300,
    });
    // And POSTs, which nginx never sends twice: two refresh chains.
    const chains = [
      startRefreshChain(api, (await login()).refresh),
      startRefreshChain(api, (await login()).refresh),
    ];
    const started = Date.now();
    try {
      assert.ok(deployed);
      deployed = await update({ resources: run.resources, deployed }, next.resources, (line) => {
        context.diagnostic(line);
      });
      removeStack = deployed.remove;
      run = next;
      apps = newApps;
      // Requests keep coming for a moment on the new containers alone.
      await sleep(2000);
    } finally {
      const counts = await load.stop();
      const refreshes = await Promise.all(chains.map((chain) => chain.stop()));
      const seconds = (Date.now() - started) / 1000;
      context.diagnostic(
        `${counts.requests} GETs in ${seconds.toFixed(1)} s (${(counts.requests / seconds).toFixed(0)}/s) while 2 app containers were replaced: ${JSON.stringify(counts.statuses)} ${JSON.stringify(counts.errors)}; refreshes: ${refreshes.map((r) => JSON.stringify(r.statuses)).join(', ')}`,
      );
      runDocker({ args: ['rmi', nextBase] });
      // What came back, in the message: a failure's status or error is the first clue.
      const seen = (c: LoopCounts) => `${JSON.stringify(c.statuses)} ${JSON.stringify(c.errors)}`;
      assert.equal(
        failuresOf(counts, 200),
        0,
        `a request failed during the deploy: ${seen(counts)}`,
      );
      for (const chain of refreshes) {
        assert.equal(
          failuresOf(chain, 200),
          0,
          `a refresh failed during the deploy: ${seen(chain)}`,
        );
      }
    }
    for (const app of newApps) assert.equal(healthOf(app), 'healthy', app);
    assert.deepEqual(
      leftovers(prefix, ['container']).filter((name) => oldApps.includes(name)),
      [],
    );
  });

  it('lets an in-flight login finish while pulumi destroy stops the containers, then leaves nothing', async () => {
    const inFlight = send('POST', `${api}api/token/`, { json: { username: 'alice', password } });
    // The login is in nginx and the app by now: scrypt takes a good part of a second here.
    await sleep(30);
    const removal = removeStack?.();
    removeStack = undefined;
    const reply = await inFlight;
    await removal;
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual(leftovers(prefix, kinds), []);
  });
});
