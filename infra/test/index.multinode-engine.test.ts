/**
 * The Pulumi program's Swarm target on three nodes: a swarm lab (infra/lab/) of three Docker
 * engines on this machine, the images built on this machine's engine and pushed to the lab's
 * registry, the services created on the lab's manager by the docker CLI (support/docker-cli.ts),
 * as the single-node test does. Then, under steady traffic sent to nginx on two nodes: a rollout,
 * a worker drained, and a worker lost the way a machine dies, with Alertmanager's notices caught
 * by a webhook receiver the test runs. About five minutes.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it, type TestContext } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { send } from '../../testing/http-client.ts';
import { failuresOf, startRequestLoop, type LoopCounts } from '../../testing/request-loop.ts';
import { startRefreshChain } from '../../testing/refresh-chain.ts';
import { imageExists, requireEngine } from '../../tools/docker.ts';
import { localBaseImages } from '../../tools/base-images/local-base-images.ts';
import { runTool } from '../../tools/run-tool.ts';
import { uplink, type LabNode } from '../lab/lab-layout.ts';
import { labDown, labUp, loseNode, restartNode, type Lab } from '../lab/swarm-lab.ts';
import { labLeftovers, swarmNodes } from '../lab/lab-status.ts';
import { deploy, dockerSteps, repositoryOf, runDockerInBackground } from './support/docker-cli.ts';
import { eventually } from './support/eventually.ts';
import { runProgram, type ProgramRun } from './support/mock-runtime.ts';
import { fetchOnNetwork, lines, runningTasks, serviceContainers } from './support/swarm-queries.ts';

const stackName = 'labtest';
const prefix = `prodstack-${stackName}-`;
const appService = `${prefix}app`;
const password = 'correct horse battery staple';
const publicPort = 8080;

let lab: Lab;
/** The docker CLI's config for the test's own pushes and updates: logged in to the lab's registry. */
const loginConfig = mkdtempSync(join(tmpdir(), 'prodstack-lab-login-'));
const loggedIn = { ...process.env, DOCKER_CONFIG: loginConfig };
const nodeAt = (n: number) => lab.nodes[n - 1] as LabNode;
const first = () => nodeAt(1);
const second = () => nodeAt(2);
const third = () => nodeAt(3);

function on(node: LabNode, args: string[], input?: string): string {
  const result = runTool('docker', ['--host', node.dockerHost, ...args], loggedIn, input);
  assert.equal(result.status, 0, `docker ${args.join(' ')} on ${node.hostname}:\n${result.stderr}`);
  return result.stdout.trim();
}

/** The app's tasks meant to be running, one line each in `format`. */
const appTasks = (format: string) => lines(on(lab.manager, runningTasks(appService, format)));

/** Where the app's running tasks are: one node's hostname a task. */
const appTaskNodes = () =>
  appTasks('{{.Node}} {{.CurrentState}}')
    .filter((line) => line.includes(' Running '))
    .map((line) => line.split(' ')[0] ?? '');

/**
 * A worker that runs app tasks, and the other worker: the one to drain or lose, and the one the
 * refreshes go through meanwhile. Swarm places a rollout's tasks as it sees fit and never moves
 * running ones back: when no worker has one, a forced update spreads them again.
 */
function workersAroundApp(): { victim: LabNode; other: LabNode } {
  const workers = [second(), third()];
  const runningOn = () => workers.find((node) => appTaskNodes().includes(node.hostname));
  if (runningOn() === undefined) {
    on(lab.manager, [
      'service',
      'update',
      '--with-registry-auth',
      '--force',
      '--detach=false',
      '--quiet',
      appService,
    ]);
  }
  const victim = runningOn();
  assert.ok(victim, `no app task on a worker: ${appTaskNodes().join(', ')}`);
  return { victim, other: workers.find((node) => node !== victim) as LabNode };
}

/** nginx's address on a node: each publishes the stack's port on its own node's address. */
const apiOn = (node: LabNode) => `http://${node.address}:${publicPort}/`;

/** An answer of Prometheus's API, asked from a one-off container on the stack's overlay. */
function prometheusApi(path: string): { data: unknown } {
  const image = on(lab.manager, [
    'service',
    'inspect',
    '--format',
    '{{.Spec.TaskTemplate.ContainerSpec.Image}}',
    appService,
  ]);
  const output = on(
    lab.manager,
    fetchOnNetwork(`${prefix}overlay`, image, `http://${prefix}prometheus:9090${path}`),
  );
  return JSON.parse(output) as { data: unknown };
}

interface Notice {
  status: string;
  alerts: { status: string; labels: Record<string, string> }[];
}

/** A webhook receiver on the machine's port on the lab's switch: what Alertmanager sends. */
async function startReceiver(): Promise<{ server: Server; notices: Notice[]; url: string }> {
  const notices: Notice[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      notices.push(JSON.parse(body) as Notice);
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, uplink.address, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { server, notices, url: `http://${uplink.address}:${port}/alerts` };
}

const describeCounts = (counts: LoopCounts) =>
  `${counts.requests} requests ${JSON.stringify(counts.statuses)} ${JSON.stringify(counts.errors)}`;

describe('the Pulumi program on a three-node Docker Swarm', { timeout: 25 * 60_000 }, () => {
  let run: ProgramRun;
  let removeStack: (() => Promise<void>) | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let access: string;

  const login = async (node: LabNode) => {
    const reply = await send('POST', `${apiOn(node)}api/token/`, {
      json: { username: 'alice', password },
    });
    assert.equal(reply.status, 200, reply.text);
    return reply.json as { access: string; refresh: string };
  };

  /**
   * 8 keep-alive clients on /hello/ through nginx on one node, 2 refresh chains through nginx on
   * another, all running once this resolves: the chains' logins are done before anything happens
   * to the swarm, and nothing starts that a failed login would leave running. The returned
   * function stops them and gives their counts.
   */
  async function steadyLoad(context: TestContext, helloOn: LabNode, refreshOn: LabNode) {
    const firstRefreshes = [(await login(refreshOn)).refresh, (await login(refreshOn)).refresh];
    const hello = startRequestLoop({
      url: `${apiOn(helloOn)}hello/`,
      headers: { authorization: `Bearer ${access}` },
      clients: 8,
      maxSeconds: 300,
    });
    const chains = firstRefreshes.map((refresh) => startRefreshChain(apiOn(refreshOn), refresh));
    const stop = async () => ({
      hello: await hello.stop(),
      refreshes: await Promise.all(chains.map((chain) => chain.stop())),
    });
    context.after(stop);
    return async () => {
      const counts = await stop();
      context.diagnostic(
        `hello on ${helloOn.hostname}: ${describeCounts(counts.hello)}; refresh on ${refreshOn.hostname}: ${counts.refreshes.map(describeCounts).join(', ')}`,
      );
      assert.ok(counts.hello.requests > 100, `only ${counts.hello.requests} requests`);
      return counts;
    };
  }

  before(async (context) => {
    requireEngine();
    for (const base of [localBaseImages.node, localBaseImages.nginx, localBaseImages.postgres]) {
      assert.ok(imageExists(base), `${base} is missing: run npm run base-images`);
    }
    const started = Date.now();
    lab = await labUp({ nodes: 3 }, (line) => {
      context.diagnostic(line);
    });
    // PostgreSQL's image is not the stack's own: a node pulls it from the registry too, as
    // from a mirror of the public image.
    const postgres = `${lab.registry}/prodstack-local/postgres:15-bookworm`;
    const logInToRegistry = [
      'login',
      '--username',
      lab.registryUser,
      '--password-stdin',
      lab.registry,
    ];
    assert.equal(runTool('docker', logInToRegistry, loggedIn, lab.registryPassword()).status, 0);
    assert.equal(runTool('docker', ['tag', localBaseImages.postgres, postgres]).status, 0);
    const pushed = runTool('docker', ['push', '--quiet', postgres], loggedIn);
    assert.equal(pushed.status, 0, pushed.stderr);
    // The nodes that take traffic, as an operator marks them: here all three.
    for (const node of lab.nodes) {
      on(lab.manager, ['node', 'update', '--label-add', 'ingress=true', node.hostname]);
    }
    receiver = await startReceiver();
    run = await runProgram(
      {
        target: 'swarm',
        jwtSigningKey: randomBytes(48).toString('base64'),
        databasePassword: randomBytes(18).toString('base64url'),
        dockerHost: lab.dockerHost,
        registry: lab.registry,
        registryUser: lab.registryUser,
        registryPassword: lab.registryPassword(),
        replicas: '3',
        nginxReplicas: '3',
        nginxPlacement: 'node.labels.ingress==true',
        workersPerContainer: '1',
        appMemoryMb: '400',
        publicPort: String(publicPort),
        appBaseImage: localBaseImages.node,
        nginxBaseImage: localBaseImages.nginx,
        postgresBaseImage: postgres,
        prometheusBaseImage: localBaseImages.debian,
        scrapeInterval: '2s',
        taskDownAfter: '4s',
        alertWebhookUrl: receiver.url,
      },
      stackName,
    );
    const deployed = await deploy(dockerSteps(run.resources), (line) => {
      context.diagnostic(line);
    });
    removeStack = deployed.remove;
    await eventually('three app tasks running', 120, () =>
      appTaskNodes().length === 3 ? true : undefined,
    );
    context.diagnostic(
      `from nothing to a stack on three nodes: ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    const node = lab.nodes.find(
      (candidate) => on(candidate, serviceContainers(appService)) !== '',
    ) as LabNode;
    const [task] = lines(on(node, serviceContainers(appService)));
    on(
      node,
      ['exec', '-i', task ?? '', 'node', 'dist/app/src/cli/users-cli.js', 'add', 'alice'],
      `${password}\n`,
    );
    ({ access } = await login(first()));
  });

  after(async () => {
    try {
      await removeStack?.();
    } finally {
      receiver.server.close();
      await labDown();
    }
  });

  it('refuses to deploy on three nodes without a registry, in one line that says why', async () => {
    await assert.rejects(
      runProgram(
        {
          target: 'swarm',
          jwtSigningKey: randomBytes(48).toString('base64'),
          databasePassword: 'a-password',
          dockerHost: lab.dockerHost,
        },
        'noregistry',
      ),
      { message: /the swarm has 3 nodes and no registry is set/ },
    );
  });

  it('spreads the app over every node, nginx on each: login on node 1, refresh on node 2, the logout seen on node 3', async () => {
    assert.deepEqual([...appTaskNodes()].sort(), ['lab-1', 'lab-2', 'lab-3']);
    const images = lines(
      on(lab.manager, ['service', 'ls', '--format', '{{.Name}} {{.Image}}']),
    ).filter((line) => line.startsWith(prefix) && !line.includes('-postgres '));
    for (const line of images)
      assert.match(line, new RegExp(` ${lab.registry}/.*@sha256:[0-9a-f]{64}$`));
    // The registry wants its login: the services carried it to every node.
    const anonymous = runTool('docker', [
      '--host',
      third().dockerHost,
      'pull',
      images[0]?.split(' ')[1] ?? '',
    ]);
    assert.notEqual(anonymous.status, 0);
    assert.match(anonymous.stderr, /no basic auth credentials|unauthorized/);
    const { refresh } = await login(first());
    const refreshed = await send('POST', `${apiOn(second())}api/token/refresh/`, {
      json: { refresh },
    });
    assert.equal(refreshed.status, 200, refreshed.text);
    const rotated = String(refreshed.json.refresh);
    const logout = await send('POST', `${apiOn(third())}api/token/blacklist/`, {
      json: { refresh: rotated },
    });
    assert.equal(logout.status, 200, logout.text);
    for (const node of lab.nodes) {
      const again = await send('POST', `${apiOn(node)}api/token/refresh/`, {
        json: { refresh: rotated },
      });
      assert.equal(again.status, 401, `${node.hostname}: ${again.text}`);
    }
  });

  it('has Prometheus scrape exactly the running app tasks, on every node', async () => {
    const tasks = on(lab.manager, [
      'service',
      'ps',
      appService,
      '--filter',
      'desired-state=running',
      '--quiet',
    ]);
    const addresses = lines(tasks).map((task) =>
      on(lab.manager, [
        'inspect',
        '--format',
        `{{range .NetworksAttachments}}{{if eq .Network.Spec.Name "${prefix}overlay"}}{{index .Addresses 0}}{{end}}{{end}}`,
        task,
      ]).replace(/\/\d+$/, ''),
    );
    const targets = await eventually('Prometheus scraping the three tasks', 60, () => {
      const found = (
        prometheusApi('/api/v1/targets').data as {
          activeTargets: { labels: Record<string, string>; health: string }[];
        }
      ).activeTargets.filter((target) => target.labels.job === 'app');
      return found.length === 3 && found.every((t) => t.health === 'up') ? found : undefined;
    });
    assert.deepEqual(
      targets.map((t) => t.labels.instance).sort(),
      addresses.map((address) => `${address}:9464`).sort(),
    );
  });

  it('rolls a new app image out across the nodes without a failed request', async (context) => {
    const current = on(lab.manager, [
      'service',
      'inspect',
      '--format',
      '{{.Spec.TaskTemplate.ContainerSpec.Image}}',
      appService,
    ]);
    const next = `${repositoryOf(current)}:rollout-2`;
    const built = runTool(
      'docker',
      ['build', '--quiet', '-t', next, '-'],
      loggedIn,
      `FROM ${current}\nLABEL rollout=2\n`,
    );
    assert.equal(built.status, 0, built.stderr);
    assert.equal(runTool('docker', ['push', '--quiet', next], loggedIn).status, 0);
    const checkLoad = await steadyLoad(context, first(), second());
    await sleep(2000);
    // In the background, as the provider waits: the load runs in this process and goes on.
    const rolled = await runDockerInBackground({
      args: [
        '--host',
        lab.dockerHost,
        'service',
        'update',
        '--with-registry-auth',
        '--image',
        next,
        '--detach=false',
        '--quiet',
        appService,
      ],
      env: { DOCKER_CONFIG: loginConfig },
    });
    assert.equal(rolled.status, 0, rolled.output);
    await sleep(2000);
    const { hello, refreshes } = await checkLoad();
    assert.equal(failuresOf(hello, 200), 0, 'a /hello/ request failed');
    for (const chain of refreshes) assert.equal(failuresOf(chain, 200), 0, 'a refresh failed');
    const images = appTasks('{{.Image}}');
    assert.equal(images.length, 3);
    // `service ps` shows the reference as the spec names it, without the digest it pins.
    for (const image of images) assert.ok(image === next || image.startsWith(`${next}@`), image);
  });

  it('drains a worker that runs app tasks without a failed request, and takes it back', async (context) => {
    const { victim: drained, other } = workersAroundApp();
    const checkLoad = await steadyLoad(context, first(), other);
    await sleep(2000);
    on(lab.manager, ['node', 'update', '--availability', 'drain', drained.hostname]);
    await eventually('the drained node’s tasks running elsewhere', 120, () => {
      const nodes = appTaskNodes();
      return nodes.length === 3 && !nodes.includes(drained.hostname) ? true : undefined;
    });
    await sleep(2000);
    const { hello, refreshes } = await checkLoad();
    assert.equal(failuresOf(hello, 200), 0, 'a /hello/ request failed');
    for (const chain of refreshes) assert.equal(failuresOf(chain, 200), 0, 'a refresh failed');
    on(lab.manager, ['node', 'update', '--availability', 'active', drained.hostname]);
    const back = swarmNodes(lab).find((node) => node.hostname === drained.hostname);
    assert.equal(back?.availability, 'Active');
  });

  it('loses a worker the way a machine dies: in-flight requests at most, every replica back, nothing lost, alerts sent firing and resolved', async (context) => {
    const { victim: lost, other } = workersAroundApp();
    // Spent before the loss: a refresh token rotated away, and one logged out.
    const spent = (await login(first())).refresh;
    assert.equal(
      (await send('POST', `${apiOn(first())}api/token/refresh/`, { json: { refresh: spent } }))
        .status,
      200,
    );
    const loggedOut = (await login(first())).refresh;
    assert.equal(
      (
        await send('POST', `${apiOn(first())}api/token/blacklist/`, {
          json: { refresh: loggedOut },
        })
      ).status,
      200,
    );
    const checkLoad = await steadyLoad(context, first(), other);
    await sleep(3000);
    const lostAt = Date.now();
    await loseNode(lost);
    await eventually(`${lost.hostname} marked down`, 60, () =>
      swarmNodes(lab).find((node) => node.hostname === lost.hostname)?.status === 'Down'
        ? true
        : undefined,
    );
    const downAfter = (Date.now() - lostAt) / 1000;
    await eventually('three app tasks running on the other nodes', 120, () => {
      const nodes = appTaskNodes();
      return nodes.length === 3 && !nodes.includes(lost.hostname) ? true : undefined;
    });
    const recovered = (Date.now() - lostAt) / 1000;
    await sleep(3000);
    const { hello, refreshes } = await checkLoad();
    context.diagnostic(
      `marked down after ${downAfter.toFixed(1)} s; every replica running again after ${recovered.toFixed(1)} s`,
    );
    // At most what was in flight on the lost node: one request a client.
    assert.ok(failuresOf(hello, 200) <= 8, `${failuresOf(hello, 200)} /hello/ requests failed`);
    for (const chain of refreshes) {
      // A refresh lost in flight may have spent its token: the chain's next tries are refused.
      const lostInFlight = failuresOf(chain, 200) - (chain.statuses[401] ?? 0);
      assert.ok(lostInFlight <= 1, `a chain lost ${lostInFlight} refreshes`);
      assert.ok(lostInFlight === 1 || (chain.statuses[401] ?? 0) === 0, 'a live token was refused');
    }
    for (const refresh of [spent, loggedOut]) {
      const again = await send('POST', `${apiOn(other)}api/token/refresh/`, {
        json: { refresh },
      });
      assert.equal(again.status, 401, again.text);
    }
    await login(other);
    const notices = await eventually('AppTaskDown sent firing and then resolved', 120, () => {
      const about = receiver.notices.flatMap((notice) =>
        notice.alerts.filter((alert) => alert.labels.alertname === 'AppTaskDown'),
      );
      const firing = about.some((alert) => alert.status === 'firing');
      const resolved = about.some((alert) => alert.status === 'resolved');
      return firing && resolved ? about : undefined;
    });
    context.diagnostic(
      `webhook: ${notices.map((n) => `${n.status} ${n.labels.instance}`).join(', ')}`,
    );
    await restartNode(lost);
    await eventually(`${lost.hostname} Ready again`, 90, () =>
      swarmNodes(lab).find((node) => node.hostname === lost.hostname)?.status === 'Ready'
        ? true
        : undefined,
    );
  });

  it('removes the stack, then the lab, leaving no namespace, process, cgroup, mount or folder', async () => {
    await removeStack?.();
    removeStack = undefined;
    await labDown();
    assert.deepEqual(labLeftovers(), []);
  });
});
