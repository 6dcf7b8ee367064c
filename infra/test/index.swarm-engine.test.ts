/**
 * The Pulumi program's Swarm target, run for real: the services, secrets, network and volume
 * index.ts declares (recorded under the mock runtime) are created on a single-node swarm of this
 * machine's engine by the docker CLI (support/docker-cli.ts, support/swarm-cli.ts), then the
 * stack is rolled, broken, killed and scaled under load through nginx. The swarm is made for the
 * test when the engine is in none, and left at the end only then.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import { after, before, describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { send } from '../../testing/http-client.ts';
import { httpsGet, selfSignedPair } from '../../testing/tls-pairs.ts';
import { runScript } from '../../testing/run-script.ts';
import type { Snapshot } from '../../ops/ops-snapshot.ts';
import { failuresOf, startRequestLoop } from '../../testing/request-loop.ts';
import { startRefreshChain } from '../../testing/refresh-chain.ts';
import { imageExists, requireEngine } from '../../tools/docker.ts';
import { localBaseImages } from '../../tools/base-images/local-base-images.ts';
import { freePort, waitForOk } from '../../tools/network.ts';
import {
  deploy,
  dockerSteps,
  repositoryOf,
  runDocker,
  runDockerInBackground,
  update,
  type Deployed,
} from './support/docker-cli.ts';
import { leftovers, removeLeftovers, type ResourceKind } from './support/leftovers.ts';
import {
  fetchOnNetwork,
  lines,
  runningTasks,
  serviceContainers,
  updateState,
} from './support/swarm-queries.ts';
import { driftAfterUp } from './support/read-back.ts';
import { eventually } from './support/eventually.ts';
import { runProgram, type ProgramRun } from './support/mock-runtime.ts';
import { renewUnderLoad } from './support/tls-renewal.ts';

const stackName = 'swarmtest';
const prefix = `prodstack-${stackName}-`;
const appService = `${prefix}app`;
const password = 'correct horse battery staple';

function docker(args: string[], input?: string): string {
  const { status, output } = runDocker({ args, ...(input === undefined ? {} : { input }) });
  assert.equal(status, 0, `docker ${args.join(' ')}:\n${output}`);
  return output;
}

/** An ES256 key pair in PEM: the private key signs, the public one is what others verify with. */
function ecKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    private: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    public: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The key id a token's header names. */
const kidOf = (token: string) =>
  (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { kid: string })
    .kid;

/** A service's running tasks on this engine, as container ids. */
const containersOf = (service: string) => lines(docker(serviceContainers(service)));
const appContainers = () => containersOf(appService);

/** A task container's address on the stack's network: what Prometheus knows it by. */
const addressOf = (container: string) =>
  docker([
    'inspect',
    '--format',
    '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}',
    container,
  ]);

/** The image each running task of the app runs, by the spec's reference. */
const runningImages = () => lines(docker(runningTasks(appService, '{{.Image}} {{.CurrentState}}')));

/**
 * An answer of Prometheus's HTTP API. Prometheus publishes no port: a one-off container on the
 * stack's attachable overlay network asks it, as an operator's would.
 */
let probes = 0;
function prometheusApi(path: string): { data: unknown } {
  probes += 1;
  const output = docker(
    fetchOnNetwork(
      `${prefix}overlay`,
      localBaseImages.node,
      `http://${prefix}prometheus:9090${path}`,
      `${prefix}probe-${probes}`,
    ),
  );
  return JSON.parse(output) as { data: unknown };
}

/** A TCP forwarder from the container's port 9090 to the host named by its argument. */
const forwardScript = [
  "const net = require('node:net');",
  'net.createServer((client) => {',
  '  const server = net.connect(9090, process.argv[1]);',
  "  client.pipe(server).pipe(client).on('error', () => server.destroy());",
  "  server.on('error', () => client.destroy());",
  '}).listen(9090);',
].join('\n');

const opsCli = join(import.meta.dirname, '..', '..', 'ops', 'ops-cli.ts');

interface Target {
  labels: Record<string, string>;
  health: string;
}
interface Alert {
  labels: Record<string, string>;
  state: string;
}

const appTargets = () =>
  (prometheusApi('/api/v1/targets').data as { activeTargets: Target[] }).activeTargets.filter(
    (target) => target.labels.job === 'app',
  );

/** The value of a query that yields one number. */
const queryValue = (query: string) => {
  const data = prometheusApi(`/api/v1/query?query=${encodeURIComponent(query)}`).data as {
    result: { value: [number, string] }[];
  };
  return Number(data.result[0]?.value[1]);
};

/** What this stack may leave on the engine. */
const kinds: ResourceKind[] = ['service', 'secret', 'container', 'network', 'volume'];

describe('the Pulumi program on a real Docker Swarm', { timeout: 20 * 60_000 }, () => {
  const firstKey = ecKeyPair();
  const firstPair = selfSignedPair();
  let config: Record<string, string>;
  let run: ProgramRun;
  let deployed: Deployed | undefined;
  let joinedSwarm = false;
  /** The API over plain HTTP (plainHttp serve), and over HTTPS with the test's own pair. */
  let api: string;
  let tlsApi: string;
  let access: string;

  const login = async () => {
    const reply = await send('POST', `${api}api/token/`, { json: { username: 'alice', password } });
    assert.equal(reply.status, 200, reply.text);
    return reply.json as { access: string; refresh: string };
  };

  /**
   * 8 keep-alive clients on /hello/, and 2 refresh chains, each spending its last token, all
   * running once this resolves (the chains' logins done first, so that a failed one leaves
   * nothing running); the returned check stops them and asserts that nothing failed. They stop
   * with the test anyway.
   */
  async function steadyLoad(context: TestContext) {
    const firstRefreshes = [(await login()).refresh, (await login()).refresh];
    const hello = startRequestLoop({
      url: `${api}hello/`,
      headers: { authorization: `Bearer ${access}` },
      clients: 8,
      maxSeconds: 240,
    });
    // Two chains at 4 a second each stay under nginx's refresh limit for one address.
    const refreshes = firstRefreshes.map((refresh) => startRefreshChain(api, refresh));
    const end = async () => ({
      counts: await hello.stop(),
      chained: await Promise.all(refreshes.map((chain) => chain.stop())),
    });
    context.after(end);
    return async () => {
      const { counts, chained } = await end();
      context.diagnostic(
        `hello: ${counts.requests} requests ${JSON.stringify(counts.statuses)} ${JSON.stringify(counts.errors)}; refresh: ${chained.map((c) => `${c.requests} ${JSON.stringify(c.statuses)}`).join(', ')}`,
      );
      assert.ok(counts.requests > 100, `only ${counts.requests} requests`);
      assert.equal(failuresOf(counts, 200), 0, 'a /hello/ request failed');
      for (const c of chained) assert.equal(failuresOf(c, 200), 0, 'a refresh failed');
    };
  }

  /**
   * A service's rollout (the app's unless named), once Swarm has finished it: `completed`, or how it ended (a rollback), or
   * `updating` still after 3 minutes. What an operator checks before the next step
   * (docs/operations.md): `pulumi up` returns before Swarm has rolled every task.
   */
  const rolloutEnd = async (service = appService) => {
    const stateOf = () => docker(updateState(service));
    const deadline = Date.now() + 180_000;
    let state = stateOf();
    while (['updating', 'rollback_started'].includes(state) && Date.now() < deadline) {
      await sleep(1000);
      state = stateOf();
    }
    return state;
  };

  /**
   * What the provider does when a service's spec changes (the app image's reference, the
   * replicas): an update in place, without blocking the load meanwhile; then the rollout's end.
   */
  const updateApp = async (flags: string[]) => {
    const updated = await runDockerInBackground({
      args: ['service', 'update', ...flags, '--detach=false', '--quiet', appService],
    });
    return { ...updated, state: await rolloutEnd() };
  };

  before(async (context) => {
    requireEngine();
    for (const base of [
      localBaseImages.node,
      localBaseImages.nginx,
      localBaseImages.postgres,
      localBaseImages.debian,
    ]) {
      assert.ok(imageExists(base), `${base} is missing: run npm run base-images`);
    }
    if (docker(['info', '--format', '{{.Swarm.LocalNodeState}}']) === 'inactive') {
      docker(['swarm', 'init', '--advertise-addr', '127.0.0.1']);
      joinedSwarm = true;
    }
    config = {
      target: 'swarm',
      // An asymmetric key: the JWKS then shows which keys the tasks accept.
      jwtAlgorithm: 'ES256',
      jwtSigningKey: firstKey.private,
      databasePassword: randomBytes(18).toString('base64url'),
      replicas: '2',
      workersPerContainer: '1',
      appMemoryMb: '400',
      publicPort: String(await freePort()),
      appBaseImage: localBaseImages.node,
      nginxBaseImage: localBaseImages.nginx,
      postgresBaseImage: localBaseImages.postgres,
      prometheusBaseImage: localBaseImages.debian,
      // Quick enough for a test to see an alert fire.
      scrapeInterval: '2s',
      taskDownAfter: '4s',
      tlsCertificate: firstPair.certificate,
      tlsKey: firstPair.key,
      tlsPort: String(await freePort()),
      // The tests below speak plain HTTP; the redirect is nginx's, tested with nginx's config.
      plainHttp: 'serve',
      // Often enough for the retention to show within the test, seldom enough that the backup
      // the test takes is still among the newest 3 when it restores it.
      backupInterval: '30s',
      backupsKept: '3',
    };
    run = await runProgram(config, stackName);
    api = `http://127.0.0.1:${config.publicPort}/`;
    tlsApi = run.url;
    removeLeftovers(prefix, kinds);
    const started = Date.now();
    deployed = await deploy(dockerSteps(run.resources), (line) => {
      context.diagnostic(line);
    });
    await waitForOk(`${api}readyz`, 120_000);
    context.diagnostic(
      `from nothing to a ready swarm stack: ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const [task] = appContainers();
    docker(
      ['exec', '-i', task ?? '', 'node', 'dist/app/src/cli/users-cli.js', 'add', 'alice'],
      `${password}\n`,
    );
    ({ access } = await login());
  });

  after(async () => {
    await deployed?.remove();
    removeLeftovers(prefix, kinds);
    if (joinedSwarm) runDocker({ args: ['swarm', 'leave', '--force'] });
  });

  it('reads every resource back from the engine as declared, in the provider’s forms: a refresh plans no change', () => {
    assert.deepEqual(driftAfterUp(run.resources), []);
  });

  it('runs the declared app tasks, each answering through nginx', async () => {
    assert.equal(appContainers().length, 2);
    const hello = await send('GET', `${api}hello/`, { token: access });
    assert.equal(hello.status, 200, hello.text);
    const { refresh } = await login();
    const refreshed = await send('POST', `${api}api/token/refresh/`, { json: { refresh } });
    assert.equal(refreshed.status, 200, refreshed.text);
  });

  it('shares one PostgreSQL: a token blacklisted through one task is refused by every other', async () => {
    const { refresh } = await login();
    const logout = await send('POST', `${api}api/token/blacklist/`, { json: { refresh } });
    assert.equal(logout.status, 200, logout.text);
    for (let n = 0; n < 6; n += 1) {
      const again = await send('POST', `${api}api/token/refresh/`, { json: { refresh } });
      assert.equal(again.status, 401, `attempt ${n + 1}: ${again.text}`);
    }
  });

  it("has Prometheus scrape every app task, with each task's workers and nginx's counters", async () => {
    const targets = await eventually('Prometheus scraping both tasks', 60, () => {
      const found = appTargets();
      return found.length === 2 && found.every((t) => t.health === 'up') ? found : undefined;
    });
    const taskAddresses = appContainers().map(addressOf);
    assert.deepEqual(
      targets.map((t) => t.labels.instance).sort(),
      taskAddresses.map((address) => `${address}:9464`).sort(),
    );
    assert.equal(queryValue('sum(app_worker_up)'), 2);
    assert.equal(queryValue('min(nginx_up)'), 1);
    assert.ok(queryValue('sum(http_requests_total)') > 0);
  });

  it("shows every task in npm run ops through Prometheus, each task's rate from Prometheus's rate()", async (context) => {
    const port = await freePort();
    const forwarder = `${prefix}prometheus-forward`;
    // As infra/README.md has the operator do it: Prometheus publishes no port of its own.
    docker([
      'run',
      '--detach',
      '--rm',
      '--name',
      forwarder,
      '--network',
      `${prefix}overlay`,
      '--publish',
      `127.0.0.1:${port}:9090`,
      // The app's own image, as infra/README.md has it: nothing to pull.
      `${prefix}api:latest`,
      'node',
      '-e',
      forwardScript,
      `${prefix}prometheus`,
    ]);
    const hello = startRequestLoop({
      url: `${api}hello/`,
      headers: { authorization: `Bearer ${access}` },
      clients: 4,
      maxSeconds: 60,
    });
    try {
      await waitForOk(`http://127.0.0.1:${port}/-/ready`, 30_000);
      // Five of Prometheus's 2 s scrapes under traffic: its 10 s rate() has samples to span.
      await sleep(10_000);
      const result = await runScript(opsCli, [
        '--once',
        '--json',
        '--prometheus',
        `http://127.0.0.1:${port}`,
        '--window',
        '10s',
      ]);
      assert.equal(result.code, 0, result.stderr);
      const snapshot = JSON.parse(result.stdout) as Snapshot;
      assert.deepEqual(
        snapshot.workers.map((w) => w.task).sort(),
        appTargets()
          .map((t) => t.labels.instance)
          .sort(),
      );
      assert.ok(snapshot.workers.every((w) => w.ready === true));
      assert.equal(snapshot.nginx?.up, true);
      assert.ok(snapshot.requests_total > 0);
      assert.equal(snapshot.rates_over, "Prometheus's rate() over 10s");
      // Every task served its share over the window, and the shares add up to the whole.
      const perTask = snapshot.workers.map((w) => w.requests_per_second ?? 0);
      context.diagnostic(
        `req/s by task over 10 s: ${perTask.map((rate) => rate.toFixed(1)).join(', ')}; all: ${(snapshot.requests_per_second ?? 0).toFixed(1)}`,
      );
      assert.ok(
        perTask.every((rate) => rate > 0),
        perTask.join(' '),
      );
      const sum = perTask.reduce((a, b) => a + b, 0);
      const whole = snapshot.requests_per_second ?? 0;
      assert.ok(Math.abs(sum - whole) <= 0.25 * whole, `${sum} of ${whole}`);
    } finally {
      await hello.stop();
      runDocker({ args: ['rm', '--force', forwarder] });
    }
  });

  it('fires AppTaskDown when a task stops answering, and clears it once the task is back', async () => {
    const [victim] = appContainers();
    const address = addressOf(victim ?? '');
    // Frozen, not killed: Swarm would replace a killed task before the alert had a chance.
    docker(['pause', victim ?? '']);
    try {
      const alert = await eventually('AppTaskDown firing', 60, () =>
        (prometheusApi('/api/v1/alerts').data as { alerts: Alert[] }).alerts.find(
          (a) => a.labels.alertname === 'AppTaskDown' && a.state === 'firing',
        ),
      );
      assert.equal(alert.labels.instance, `${address}:9464`);
    } finally {
      // Swarm may have replaced the unhealthy task meanwhile: then there is nothing to thaw.
      runDocker({ args: ['unpause', victim ?? ''] });
    }
    await eventually('AppTaskDown cleared', 90, () =>
      (prometheusApi('/api/v1/alerts').data as { alerts: Alert[] }).alerts.some(
        (a) => a.labels.alertname === 'AppTaskDown',
      )
        ? undefined
        : true,
    );
    await eventually('two app tasks again', 90, () =>
      appContainers().length === 2 ? true : undefined,
    );
    await waitForOk(`${api}readyz`, 60_000);
  });

  it('rolls a new app image out under steady load without a failed request', async (context) => {
    const [current] = runningImages();
    const image = (current ?? '').split(' ')[0] ?? '';
    const next = `${repositoryOf(image)}:rollout-2`;
    docker(['tag', image, next]);
    const checkLoad = await steadyLoad(context);
    await sleep(2000);
    const rolled = await updateApp(['--image', next]);
    await sleep(2000);
    await checkLoad();
    assert.equal(rolled.status, 0, rolled.output);
    assert.equal(rolled.state, 'completed');
    assert.deepEqual(
      runningImages().map((line) => line.split(' ')[0]),
      [next, next],
    );
  });

  it('rolls a version whose health check never passes back by itself, without a failed request', async (context) => {
    const [current] = runningImages();
    const good = (current ?? '').split(' ')[0] ?? '';
    const broken = `${repositoryOf(good)}:never-ready`;
    docker(
      ['build', '--quiet', '-t', broken, '-'],
      `FROM ${good}\nCMD ["node", "-e", "setInterval(() => {}, 1 << 30)"]\n`,
    );
    const checkLoad = await steadyLoad(context);
    const rolled = await updateApp(['--image', broken]);
    await sleep(2000);
    await checkLoad();
    assert.equal(rolled.state, 'rollback_completed', rolled.output);
    assert.deepEqual(
      runningImages().map((line) => line.split(' ')[0]),
      [good, good],
    );
  });

  it('replaces a killed task while GETs go on without a failure', async (context) => {
    const hello = startRequestLoop({
      url: `${api}hello/`,
      headers: { authorization: `Bearer ${access}` },
      clients: 8,
      maxSeconds: 120,
    });
    context.after(() => hello.stop());
    await sleep(1000);
    const [victim] = appContainers();
    docker(['kill', victim ?? '']);
    const deadline = Date.now() + 90_000;
    while (appContainers().includes(victim ?? '') || appContainers().length < 2) {
      assert.ok(Date.now() < deadline, 'the killed task was not replaced');
      await sleep(500);
    }
    await waitForOk(`${api}readyz`, 60_000);
    await sleep(3000);
    const counts = await hello.stop();
    context.diagnostic(
      `${counts.requests} requests ${JSON.stringify(counts.statuses)} ${JSON.stringify(counts.errors)}`,
    );
    assert.equal(failuresOf(counts, 200), 0);
  });

  /**
   * A `pulumi up` with these settings over the current ones, carried out while steady load runs
   * through nginx: nothing may fail.
   */
  async function upUnderLoad(context: TestContext, settings: Record<string, string | undefined>) {
    config = Object.fromEntries(
      Object.entries({ ...config, ...settings }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    );
    const next = await runProgram(config, stackName);
    const checkLoad = await steadyLoad(context);
    await sleep(2000);
    assert.ok(deployed);
    const started = Date.now();
    deployed = await update({ resources: run.resources, deployed }, next.resources, (line) => {
      context.diagnostic(line);
    });
    const returned = (Date.now() - started) / 1000;
    run = next;
    assert.equal(await rolloutEnd(), 'completed');
    context.diagnostic(
      `up returned after ${returned.toFixed(1)} s, the rollout completed after ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    await sleep(2000);
    await checkLoad();
  }

  const jwksKids = async () => {
    const reply = await send('GET', `${api}.well-known/jwks.json`);
    assert.equal(reply.status, 200, reply.text);
    return (reply.json as { keys: { kid: string }[] }).keys.map((key) => key.kid).sort();
  };

  it('rotates the signing key in three ups under load, logging nobody out until the old key is dropped', async (context) => {
    const nextKey = ecKeyPair();
    const signedFirst = await login();
    const firstKid = kidOf(signedFirst.access);
    assert.deepEqual(await jwksKids(), [firstKid]);

    // 1. The next key published: every task accepts it before any signs with it.
    await upUnderLoad(context, { jwtVerifyingKeys: nextKey.public });
    const published = await jwksKids();
    assert.equal(published.length, 2);
    const signedFirstLater = await login();
    assert.equal(kidOf(signedFirstLater.access), firstKid, 'the first key still signs');

    // 2. The next key signs; the first is kept to verify what it signed.
    await upUnderLoad(context, {
      jwtSigningKey: nextKey.private,
      jwtVerifyingKeys: firstKey.public,
    });
    const signedNext = await login();
    const nextKid = kidOf(signedNext.access);
    assert.notEqual(nextKid, firstKid);
    assert.deepEqual(await jwksKids(), published);
    assert.ok(published.includes(nextKid));
    const oldAccess = await send('GET', `${api}hello/`, { token: signedFirst.access });
    assert.equal(oldAccess.status, 200, oldAccess.text);
    const oldRefresh = await send('POST', `${api}api/token/refresh/`, {
      json: { refresh: signedFirst.refresh },
    });
    assert.equal(oldRefresh.status, 200, oldRefresh.text);

    // 3. The first key dropped: what it signed is refused from then on.
    access = signedNext.access;
    await upUnderLoad(context, { jwtVerifyingKeys: undefined });
    assert.deepEqual(await jwksKids(), [nextKid]);
    const dropped = await send('GET', `${api}hello/`, { token: signedFirstLater.access });
    assert.equal(dropped.status, 401, dropped.text);
    const droppedRefresh = await send('POST', `${api}api/token/refresh/`, {
      json: { refresh: signedFirstLater.refresh },
    });
    assert.equal(droppedRefresh.status, 401, droppedRefresh.text);
    const kept = await send('GET', `${api}hello/`, { token: signedNext.access });
    assert.equal(kept.status, 200, kept.text);
  });

  it('answers over HTTPS with the pair it was given, which a client checks as its CA', async () => {
    const { status, certificate } = await httpsGet(`${tlsApi}readyz`, [firstPair.certificate]);
    assert.equal(status, 200);
    assert.equal(
      certificate.fingerprint256,
      new X509Certificate(firstPair.certificate).fingerprint256,
    );
  });

  it('renews the pair under load without a failed request: the keeper installs it, and nginx serves it without a restart', async (context) => {
    const nextPair = selfSignedPair();
    const nginxTasks = () => containersOf(`${prefix}nginx`);
    const nginxBefore = nginxTasks();
    await renewUnderLoad({
      tlsApi,
      access,
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
        run = next;
        // As an operator does (docs/operations.md): `pulumi up` returns before the roll ends.
        assert.equal(await rolloutEnd(`${prefix}tls-keeper`), 'completed');
      },
    });
    assert.deepEqual(nginxTasks(), nginxBefore, 'nginx was restarted');
  });

  it('scales 2 → 3 → 1 under load without a failed request', async (context) => {
    const checkLoad = await steadyLoad(context);
    for (const replicas of [3, 1]) {
      const scaled = await updateApp(['--replicas', String(replicas)]);
      assert.equal(scaled.status, 0, scaled.output);
      const deadline = Date.now() + 60_000;
      while (appContainers().length !== replicas) {
        assert.ok(Date.now() < deadline, `${appContainers().length} tasks, not ${replicas}`);
        await sleep(500);
      }
    }
    await checkLoad();
  });

  it('restores a backup into a new, empty database: every user, refresh token and logout as they were then', async (context) => {
    const backupTask = () => containersOf(`${prefix}backup`)[0] ?? '';
    const backup = (...args: string[]) =>
      docker(['exec', backupTask(), 'prodstack-backup', ...args]);
    const addUser = (user: string) =>
      docker(
        [
          'exec',
          '-i',
          appContainers()[0] ?? '',
          'node',
          'dist/app/src/cli/users-cli.js',
          'add',
          user,
        ],
        `${password}\n`,
      );
    const loginAs = (username: string) =>
      send('POST', `${api}api/token/`, { json: { username, password } });
    const refreshWith = (refresh: unknown) =>
      send('POST', `${api}api/token/refresh/`, { json: { refresh } });
    // Scheduled: every 30 s, the newest 3 kept (by now more than 3 were taken, the test being
    // minutes into the stack's life).
    await eventually('three backups', 90, () =>
      lines(backup('list')).length === 3 ? true : undefined,
    );

    addUser('bob');
    const alice = (await loginAs('alice')).json;
    const bob = (await loginAs('bob')).json;
    const loggedOut = (await loginAs('bob')).json;
    assert.equal(
      (await send('POST', `${api}api/token/blacklist/`, { json: { refresh: loggedOut.refresh } }))
        .status,
      200,
    );
    const taken = backup('once');
    context.diagnostic(taken);
    const dump = /(kit-\w+\.dump)/.exec(taken)?.[1] ?? '';
    // Written after that backup: lost with the database.
    addUser('carol');

    // The database's disk lost: the app stopped, the database's volume removed, a new one made.
    const database = `${prefix}postgres`;
    docker(['service', 'scale', '--detach=false', `${appService}=0`, `${database}=0`]);
    await eventually('the database stopped', 60, () =>
      containersOf(database).length === 0 ? true : undefined,
    );
    docker(['volume', 'rm', `${prefix}postgres-data`]);
    docker(['service', 'scale', '--detach=false', `${database}=1`]);

    // The schedule goes on, and takes no backup of the new, empty database.
    await eventually('a backup skipped', 75, () =>
      /kit has no tables: no backup taken/.test(
        runDocker({ args: ['service', 'logs', '--since', '90s', `${prefix}backup`] }).output,
      )
        ? true
        : undefined,
    );
    // The steps of docs/operations.md: restore the backup, then start the app again. Named:
    // a scheduled backup may have come between it and the loss, with carol in it.
    let said = '';
    const restored = await eventually('the restore', 60, () => {
      const { status, output } = runDocker({
        args: ['exec', backupTask(), 'prodstack-backup', 'restore', dump],
      });
      said = output;
      return status === 0 ? output : undefined;
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}; it said: ${said}`);
    });
    context.diagnostic(restored);
    assert.match(restored, new RegExp(`restored ${dump} into kit`));
    docker(['service', 'scale', '--detach=false', `${appService}=2`]);
    await waitForOk(`${api}readyz`, 90_000);

    for (const user of ['alice', 'bob']) assert.equal((await loginAs(user)).status, 200, user);
    for (const tokens of [alice, bob])
      assert.equal((await refreshWith(tokens.refresh)).status, 200);
    const refused = await refreshWith(loggedOut.refresh);
    assert.equal(refused.status, 401, refused.text);
    assert.equal((await loginAs('carol')).status, 401, 'carol came after the backup');
    // A database that is not empty is never restored over.
    const again = runDocker({ args: ['exec', backupTask(), 'prodstack-backup', 'restore'] });
    assert.notEqual(again.status, 0);
    assert.match(again.output, /a restore goes into an empty database/);
  });

  it('leaves no service, secret, network or volume when the stack is removed', async () => {
    await deployed?.remove();
    deployed = undefined;
    assert.deepEqual(leftovers(prefix, kinds), []);
  });
});
