/**
 * Runs what the Pulumi program declares (as recorded by mock-runtime.ts) on the real Docker
 * engine with the docker CLI, one command per resource, in the order they were declared. The
 * Pulumi CLI and its Docker provider cannot be installed here; this stands in for `pulumi up`
 * and nothing else. It understands exactly these @pulumi/docker inputs, and throws on any other,
 * so that an input the program adds cannot be silently left out of the test:
 *
 * - Network: name, driver, attachable, ipamConfigs (one: subnet, gateway)
 * - Volume: name
 * - Image: imageName, skipPush, registry (server, username, password: logged in to with the
 *   docker CLI in a config folder of the translation's own, never the user's ~/.docker),
 *   buildOnPreview (preview only), build.context, build.dockerfile, build.args. A pushed image
 *   is built, pushed, and its digest read back: the `repoDigest` the services name (the mock
 *   runtime hands them a placeholder, filled in here once the push has told the digest)
 * - Provider: host. A resource declared with an explicit provider goes to that engine
 *   (DOCKER_HOST); the others to the engine of this process's own environment
 * - Container: name, image, entrypoints (one program), command, envs, networksAdvanced (one
 *   network: name, aliases), volumes (volumeName, containerPath, readOnly), ports (internal,
 *   external, ip, protocol), healthcheck (tests, interval, timeout, startPeriod, retries), wait,
 *   waitTimeout, readOnly, tmpfs, capabilities (adds, drops), securityOpts, memory, memorySwap,
 *   stopTimeout, destroyGraceSeconds, restart, logDriver, logOpts
 * - Secret and Service: swarm-cli.ts
 *
 * Removal follows the provider (kreuzwerker/docker 3, which @pulumi/docker 5 wraps): a container
 * is stopped with a timeout of destroyGraceSeconds, 0 when unset (SIGKILL right after the stop
 * signal), then removed with its anonymous volumes; images are kept.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runTool } from '../../../tools/run-tool.ts';
import { list, record, reveal, str, type Inputs } from './inputs.ts';
import type { DeclaredResource } from './mock-runtime.ts';
import { secret, service, serviceUpdate, type ServiceSpec } from './swarm-cli.ts';
import { serviceContainers, updateState } from './swarm-queries.ts';

/** One docker command; `env` carries values that must not appear in the argument list. */
export interface DockerCommand {
  args: string[];
  env?: Record<string, string>;
  input?: string;
}

export interface DockerStep {
  resource: string;
  /** The name the engine knows it by, where other resources refer to it by id. */
  dockerName?: string;
  create: DockerCommand;
  /** A container declared with `wait`: created once it reports healthy. */
  waitHealthy?: { container: string; timeoutSeconds: number };
  /** Run in turn; absent for images: they are kept, with the build cache the next run starts from. */
  remove?: DockerCommand[];
  /** A Swarm service: removed once its containers are gone too. */
  waitGone?: { service: string };
  /** A pushed image: pushed after its build, its digest then given to whatever names `placeholder`. */
  push?: { imageName: string; placeholder: string };
  /** A Swarm service's spec, which a later `up` may change in place (swarm-cli.ts serviceUpdate). */
  service?: ServiceSpec;
  /** The engine of the resource's explicit provider, when it has one. */
  host?: string;
  /** A registry to log in to first: its credentials then go with the step's commands. */
  login?: RegistryLogin;
}

export interface RegistryLogin {
  server: string;
  username: string;
  password: string;
}

/** What a translator gets besides its inputs. */
export interface Translation {
  take: typeof takeInputs;
  loginOf: typeof loginOf;
  /** The engine's name of the resource whose (mock) id this is. */
  dockerNameOf(id: string): string;
  healthFlags(where: string, healthcheck: Inputs): string[];
}

/** Takes the inputs this translation understands, and throws naming any it does not. */
function takeInputs(where: string, inputs: Inputs, known: readonly string[]): Inputs {
  const unknown = Object.keys(inputs).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new Error(`${where}: the docker translation does not support ${unknown.join(', ')}`);
  }
  return Object.fromEntries(Object.entries(inputs).map(([key, value]) => [key, reveal(value)]));
}

function network(name: string, inputs: Inputs): DockerStep {
  const n = takeInputs(name, inputs, ['name', 'driver', 'attachable', 'ipamConfigs']);
  const args = ['network', 'create'];
  if (n.driver !== undefined) args.push('--driver', str(n.driver));
  if (n.attachable === true) args.push('--attachable');
  if (n.ipamConfigs !== undefined) {
    const pools = list(n.ipamConfigs);
    if (pools.length !== 1) throw new Error(`${name}.ipamConfigs: only one pool is supported`);
    const pool = takeInputs(`${name}.ipamConfigs[0]`, record(pools[0]), ['subnet', 'gateway']);
    args.push('--subnet', str(pool.subnet));
    if (pool.gateway !== undefined) args.push('--gateway', str(pool.gateway));
  }
  return {
    resource: name,
    dockerName: str(n.name),
    create: { args: [...args, str(n.name)] },
    remove: [{ args: ['network', 'rm', str(n.name)] }],
  };
}

function volume(name: string, inputs: Inputs): DockerStep {
  const { name: dockerName } = takeInputs(name, inputs, ['name']);
  return {
    resource: name,
    dockerName: str(dockerName),
    create: { args: ['volume', 'create', str(dockerName)] },
    remove: [{ args: ['volume', 'rm', str(dockerName)] }],
  };
}

function image(name: string, inputs: Inputs): DockerStep {
  const taken = takeInputs(name, inputs, [
    'imageName',
    'skipPush',
    'registry',
    'buildOnPreview',
    'build',
  ]);
  const build = takeInputs(`${name}.build`, record(taken.build), ['context', 'dockerfile', 'args']);
  const buildArgs = Object.entries(record(build.args)).flatMap(([key, value]) => [
    '--build-arg',
    `${key}=${str(value)}`,
  ]);
  const imageName = str(taken.imageName);
  let login: RegistryLogin | undefined;
  if (taken.skipPush !== true) {
    const registry = takeInputs(`${name}.registry`, record(taken.registry), [
      'server',
      'username',
      'password',
    ]);
    if (!imageName.startsWith(`${str(registry.server)}/`)) {
      throw new Error(`${name}: ${imageName} is not in the registry ${str(registry.server)}`);
    }
    login = loginOf(name, registry.server, registry.username, registry.password);
  }
  return {
    resource: name,
    create: {
      args: [
        'build',
        // A failed step's container is removed too, not left in `docker ps -a`.
        '--force-rm',
        '-t',
        imageName,
        '-f',
        str(build.dockerfile),
        ...buildArgs,
        str(build.context),
      ],
    },
    ...(taken.skipPush === true ? {} : { push: { imageName, placeholder: pendingDigest(name) } }),
    ...(login === undefined ? {} : { login }),
  };
}

/** A registry's credentials, when a user is given; a password without one is refused. */
export function loginOf(
  where: string,
  server: unknown,
  username: unknown,
  password: unknown,
): RegistryLogin | undefined {
  if (username === undefined) {
    if (password !== undefined) throw new Error(`${where}: a registry password without a user`);
    return undefined;
  }
  return { server: str(server), username: str(username), password: str(reveal(password)) };
}

/** A healthcheck command as `docker run` takes it: a shell line. */
function healthCommand(where: string, tests: unknown[]): string {
  const [kind, ...command] = tests.map(str);
  if (kind === 'CMD-SHELL') return command.join(' ');
  if (kind !== 'CMD' || command.some((part) => !/^[\w./:=-]+$/.test(part))) {
    throw new Error(`${where}: healthcheck tests must be CMD with plain words, or CMD-SHELL`);
  }
  return command.join(' ');
}

/** A healthcheck as `docker run` and `docker service create` take it. */
function healthFlags(where: string, healthcheck: Inputs): string[] {
  const h = takeInputs(where, healthcheck, [
    'tests',
    'interval',
    'timeout',
    'startPeriod',
    'retries',
  ]);
  const args = ['--health-cmd', healthCommand(where, list(h.tests))];
  if (h.interval !== undefined) args.push('--health-interval', str(h.interval));
  if (h.timeout !== undefined) args.push('--health-timeout', str(h.timeout));
  if (h.startPeriod !== undefined) args.push('--health-start-period', str(h.startPeriod));
  if (h.retries !== undefined) args.push('--health-retries', str(h.retries));
  return args;
}

function container(name: string, inputs: Inputs): DockerStep {
  const c = takeInputs(name, inputs, [
    'name',
    'image',
    'envs',
    'networksAdvanced',
    'volumes',
    'ports',
    'healthcheck',
    'wait',
    'waitTimeout',
    'readOnly',
    'tmpfs',
    'capabilities',
    'securityOpts',
    'memory',
    'memorySwap',
    'stopTimeout',
    'destroyGraceSeconds',
    'restart',
    'logDriver',
    'logOpts',
    'entrypoints',
    'command',
  ]);
  const containerName = str(c.name);
  const args = ['run', '--detach', '--name', containerName];
  const entrypoint = list(c.entrypoints).map(str);
  if (entrypoint.length > 1) throw new Error(`${name}.entrypoints: one program is supported`);
  for (const program of entrypoint) args.push('--entrypoint', program);
  const env: Record<string, string> = {};
  for (const entry of list(c.envs).map(str)) {
    const [key = '', ...value] = entry.split('=');
    env[key] = value.join('=');
    args.push('--env', key); // the value comes from docker's own environment, not argv
  }
  const networks = list(c.networksAdvanced);
  if (networks.length > 1) throw new Error(`${name}: one network per container is supported`);
  for (const net of networks) {
    const n = takeInputs(`${name}.networksAdvanced`, record(net), ['name', 'aliases']);
    args.push('--network', str(n.name));
    for (const alias of list(n.aliases)) args.push('--network-alias', str(alias));
  }
  for (const mount of list(c.volumes)) {
    const v = takeInputs(`${name}.volumes`, record(mount), [
      'volumeName',
      'containerPath',
      'readOnly',
    ]);
    const readOnly = v.readOnly === true ? ',readonly' : '';
    args.push(
      '--mount',
      `type=volume,source=${str(v.volumeName)},target=${str(v.containerPath)}${readOnly}`,
    );
  }
  for (const published of list(c.ports)) {
    const p = takeInputs(`${name}.ports`, record(published), [
      'internal',
      'external',
      'ip',
      'protocol',
    ]);
    const ip = p.ip === undefined ? '' : `${str(p.ip)}:`;
    const protocol = p.protocol === undefined ? '' : `/${str(p.protocol)}`;
    args.push('--publish', `${ip}${str(p.external)}:${str(p.internal)}${protocol}`);
  }
  if (c.healthcheck !== undefined) {
    args.push(...healthFlags(`${name}.healthcheck`, record(c.healthcheck)));
  }
  if (c.readOnly === true) args.push('--read-only');
  for (const [path, options] of Object.entries(record(c.tmpfs))) {
    args.push('--tmpfs', `${path}:${str(options)}`);
  }
  if (c.capabilities !== undefined) {
    const caps = takeInputs(`${name}.capabilities`, record(c.capabilities), ['adds', 'drops']);
    for (const cap of list(caps.drops)) args.push('--cap-drop', str(cap));
    for (const cap of list(caps.adds)) args.push('--cap-add', str(cap));
  }
  for (const option of list(c.securityOpts)) args.push('--security-opt', str(option));
  // @pulumi/docker's memory is in MiB.
  if (c.memory !== undefined) args.push('--memory', `${str(c.memory)}m`);
  // Also MiB; -1 is unlimited swap, as in Docker.
  if (c.memorySwap !== undefined) {
    const swap = Number(c.memorySwap);
    args.push('--memory-swap', swap > 0 ? `${swap}m` : String(swap));
  }
  if (c.stopTimeout !== undefined) args.push('--stop-timeout', str(c.stopTimeout));
  if (c.restart !== undefined) args.push('--restart', str(c.restart));
  if (c.logDriver !== undefined) args.push('--log-driver', str(c.logDriver));
  for (const [key, value] of Object.entries(record(c.logOpts))) {
    args.push('--log-opt', `${key}=${str(value)}`);
  }
  args.push(str(c.image), ...list(c.command).map(str));
  return {
    resource: name,
    create: { args, env },
    ...(c.wait === true
      ? { waitHealthy: { container: containerName, timeoutSeconds: Number(c.waitTimeout ?? 60) } }
      : {}),
    remove: [
      { args: ['stop', '--time', String(Number(c.destroyGraceSeconds ?? 0)), containerName] },
      { args: ['rm', '--force', '--volumes', containerName] },
    ],
  };
}

/** An image reference's repository: without its tag or digest. */
export const repositoryOf = (reference: string) =>
  reference.replace(/@sha256:.*$/, '').replace(/:[^/:]+$/, '');

/** The repoDigest the mock runtime gives a pushed image: known only once it has been pushed. */
export const pendingDigest = (resource: string) => `sha256:pending-${resource}`;

/** Where a declared resource goes: the host of its explicit provider, by the provider's id. */
function hostOf(
  resource: Pick<DeclaredResource, 'name' | 'provider'>,
  hosts: Map<string, string | undefined>,
): string | undefined {
  if (resource.provider === undefined) return undefined;
  // A provider reference is `<urn>::<id>`; the mock runtime's ids are `<resource name>-id`.
  const id = resource.provider.split('::').at(-1) ?? '';
  if (!hosts.has(id))
    throw new Error(`${resource.name}: its provider ${id} was not declared before`);
  return hosts.get(id);
}

const translators: Record<
  string,
  (name: string, inputs: Inputs, translation: Translation) => DockerStep
> = {
  'docker:index/network:Network': network,
  'docker:index/volume:Volume': volume,
  'docker:index/image:Image': image,
  'docker:index/container:Container': container,
  'docker:index/secret:Secret': secret,
  'docker:index/service:Service': service,
};

/** The docker commands for the declared resources, in the order they were declared. */
export function dockerSteps(
  resources: Pick<DeclaredResource, 'type' | 'name' | 'inputs' | 'provider'>[],
): DockerStep[] {
  const steps: DockerStep[] = [];
  const hosts = new Map<string, string | undefined>();
  const translation: Translation = {
    take: takeInputs,
    loginOf,
    // The mock runtime gives every resource the id `<resource name>-id`.
    dockerNameOf(id) {
      const step = steps.find((candidate) => `${candidate.resource}-id` === id);
      if (!step?.dockerName) throw new Error(`no resource declared before with the id ${id}`);
      return step.dockerName;
    },
    healthFlags,
  };
  for (const resource of resources) {
    const { type, name, inputs } = resource;
    if (type === 'pulumi:providers:docker') {
      const { host } = takeInputs(name, inputs, ['host', 'version']);
      hosts.set(`${name}-id`, host === undefined ? undefined : str(host));
      continue;
    }
    const translate = translators[type];
    if (!translate) throw new Error(`${name}: the docker translation does not support ${type}`);
    const host = hostOf(resource, hosts);
    steps.push({
      ...translate(name, inputs, translation),
      ...(host === undefined ? {} : { host }),
    });
  }
  return steps;
}

/** Runs one command; what docker printed on stdout and stderr comes back as one text. */
export function runDocker(command: DockerCommand): { status: number | null; output: string } {
  const env = { ...process.env, ...command.env };
  const result = runTool('docker', command.args, env, command.input);
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The same, without blocking: the tests keep sending requests while a stack is removed. */
export function runDockerInBackground(
  command: DockerCommand,
): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', command.args, { env: { ...process.env, ...command.env } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (status) => {
      resolve({ status, output: output.trim() });
    });
  });
}

/**
 * One removal. An overlay network is refused while a removed service's endpoints are still
 * being released: the provider retries that, and so does this, for up to 20 s.
 */
async function removing(command: DockerCommand): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { status, output } = await runDockerInBackground(command);
    if (status === 0 || !/active endpoints|in use/.test(output) || Date.now() > deadline) return;
    await sleep(500);
  }
}

/** A command sent to the engine of the step's provider. */
const onHost = (host: string | undefined, command: DockerCommand): DockerCommand =>
  host === undefined ? command : { ...command, env: { ...command.env, DOCKER_HOST: host } };

/**
 * The docker CLI's own config folder for the registries the translation logs in to: the
 * credentials the provider would send with each push and service, kept apart from ~/.docker.
 */
let loginFolder: string | undefined;
const loginConfig = () => (loginFolder ??= mkdtempSync(join(tmpdir(), 'prodstack-logins-')));
/** The registries logged in to in that folder: the credentials it keeps serve every engine. */
const loggedIn = new Set<string>();

/** A step's command: on its engine, with its registry's credentials when it has one. */
function stepCommand(step: DockerStep, command: DockerCommand): DockerCommand {
  const placed = onHost(step.host, command);
  return step.login === undefined
    ? placed
    : { ...placed, env: { ...placed.env, DOCKER_CONFIG: loginConfig() } };
}

function logIn(step: DockerStep, { server, username, password }: RegistryLogin): void {
  const account = `${username}@${server}`;
  if (loggedIn.has(account)) return;
  loggedIn.add(account);
  runDockerOrThrow(
    stepCommand(step, {
      args: ['login', '--username', username, '--password-stdin', server],
      input: password,
    }),
  );
}

/**
 * Resolves once no container of the service is left on the engine asked, as the provider waits
 * on removal (it asks the manager: a task's container on another node is not waited for).
 */
async function serviceGone(serviceName: string, host: string | undefined): Promise<void> {
  const deadline = Date.now() + 90_000;
  const listing = onHost(host, { args: serviceContainers(serviceName, { all: true }) });
  while (runDocker(listing).output !== '') {
    if (Date.now() > deadline)
      throw new Error(`${serviceName}: its containers outlived it by 90 s`);
    await sleep(500);
  }
}

function runDockerOrThrow(command: DockerCommand): string {
  const { status, output } = runDocker(command);
  if (status !== 0)
    throw new Error(
      `docker ${command.args.slice(0, 3).join(' ')} … failed:\n${output.slice(-3000)}`,
    );
  return output;
}

export function healthOf(containerName: string): string {
  return runDockerOrThrow({
    args: [
      'inspect',
      '--format',
      '{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}',
      containerName,
    ],
  });
}

async function waitHealthy(containerName: string, timeoutSeconds: number): Promise<void> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  let health = healthOf(containerName);
  while (health !== 'healthy') {
    if (health === 'unhealthy' || Date.now() > deadline) {
      const logs = runDocker({ args: ['logs', '--tail', '30', containerName] }).output;
      throw new Error(
        `${containerName} is ${health} after ${timeoutSeconds} s at most; its last output:\n${logs}`,
      );
    }
    await sleep(500);
    health = healthOf(containerName);
  }
}

/** Pushes a built image; its digest in the registry, as the provider reads it after the push. */
function pushed(step: DockerStep, imageName: string): string {
  runDockerOrThrow(stepCommand(step, { args: ['push', '--quiet', imageName] }));
  const repository = repositoryOf(imageName);
  const digests = runDockerOrThrow(
    stepCommand(step, {
      args: ['image', 'inspect', '--format', '{{json .RepoDigests}}', imageName],
    }),
  );
  const digest = (JSON.parse(digests) as string[])
    .find((reference) => reference.startsWith(`${repository}@`))
    ?.split('@')[1];
  if (digest === undefined) throw new Error(`${imageName}: no digest after the push`);
  return digest;
}

/** As `pulumi destroy` does: dependents first, each container stopped with its grace period. */
async function removeAll(steps: DockerStep[]): Promise<void> {
  for (const step of [...steps].reverse()) {
    for (const command of step.remove ?? []) await removing(stepCommand(step, command));
    if (step.waitGone) await serviceGone(step.waitGone.service, step.host);
  }
}

/**
 * Runs the create commands in order, saying what it does. As under Pulumi, containers declared
 * with `wait` start side by side, and whatever comes after them (nginx, which depends on them)
 * is created once they are healthy. On a failure what it created is removed again.
 */
async function createAll(steps: DockerStep[], say: (line: string) => void): Promise<void> {
  const created: DockerStep[] = [];
  let starting: Promise<void>[] = [];
  const digests = new Map<string, string>();
  try {
    for (const step of steps) {
      if (!step.waitHealthy) {
        await Promise.all(starting);
        starting = [];
      }
      if (step.waitHealthy && step.host !== undefined) {
        throw new Error(`${step.resource}: a container on another engine is not waited for here`);
      }
      say(`creating ${step.resource}`);
      const args = step.create.args.map((arg) =>
        [...digests].reduce((filled, [pending, digest]) => filled.replace(pending, digest), arg),
      );
      if (step.login) logIn(step, step.login);
      runDockerOrThrow(stepCommand(step, { ...step.create, args }));
      if (step.push) digests.set(step.push.placeholder, pushed(step, step.push.imageName));
      created.push(step);
      if (step.waitHealthy) {
        starting.push(waitHealthy(step.waitHealthy.container, step.waitHealthy.timeoutSeconds));
      }
    }
    await Promise.all(starting);
  } catch (error) {
    await Promise.allSettled(starting);
    await removeAll(created);
    throw error;
  }
}

/**
 * A service's update, as the provider makes it: handed to Swarm, and with convergeConfig waited
 * for only until as many tasks run as the service wants, checked after its delay. With
 * start-first updates that holds almost at once: `pulumi up` returns while Swarm still rolls
 * the tasks (facts: returned 34 s into a rollout that ended 44 s later). It fails when Swarm
 * rolls the update back while it waits.
 */
async function updated(step: DockerStep, command: DockerCommand): Promise<void> {
  if (step.login) logIn(step, step.login);
  runDockerOrThrow(stepCommand(step, command));
  const service = step.service;
  if (!service?.converges) return;
  const ask = (args: string[]) => runDocker(stepCommand(step, { args })).output;
  // The provider's convergeConfig (swarm-stack.ts: delay 2s, timeout 5m).
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    await sleep(2000);
    const state = ask(updateState(service.name));
    if (state.startsWith('rollback')) throw new Error(`${service.name}: update rolled back`);
    const [running, wanted] = ask([
      'service',
      'ls',
      '--filter',
      `name=${service.name}`,
      '--format',
      '{{.Name}} {{.Replicas}}',
    ])
      .split('\n')
      .find((line) => line.startsWith(`${service.name} `))
      ?.split(' ')[1]
      ?.split('/')
      .map(Number) ?? [0, 1];
    if ((running ?? 0) >= (wanted ?? 1)) return;
    if (Date.now() > deadline) throw new Error(`${service.name}: did not converge in 5 min`);
  }
}

/** A deployed stack: its steps, and how to remove them. */
export interface Deployed {
  steps: DockerStep[];
  remove: () => Promise<void>;
}

function deployedOf(steps: DockerStep[]): Deployed {
  let standing = steps;
  return {
    steps,
    remove: async () => {
      const removing = standing;
      standing = [];
      await removeAll(removing);
    },
  };
}

/** Creates every resource in the declared order; see createAll. */
export async function deploy(steps: DockerStep[], say: (line: string) => void): Promise<Deployed> {
  await createAll(steps, say);
  return deployedOf(steps);
}

/** A resource's identity across two runs of the program: its type and Pulumi name. */
const identity = (resource: Pick<DeclaredResource, 'type' | 'name'>) =>
  `${resource.type}::${resource.name}`;

/**
 * The next `pulumi up` after `before` was deployed, as the provider carries it out: what is new
 * is created; an image whose inputs changed is rebuilt under its tag; a container whose name
 * changed, or a secret whose data changed (a new value, a new name: Swarm secrets are
 * immutable), is replaced create-first (Pulumi's default: the new one created, the old one
 * removed at the end of the update); a service whose image, environment or secrets changed is
 * updated in place, rolled out by Swarm while this waits (convergeConfig); what is gone is
 * removed at the end. Any other change of a resource in place throws: the translation does not
 * make it.
 */
export async function update(
  before: { resources: Pick<DeclaredResource, 'type' | 'name' | 'inputs'>[]; deployed: Deployed },
  after: Pick<DeclaredResource, 'type' | 'name' | 'inputs'>[],
  say: (line: string) => void,
): Promise<Deployed> {
  const next = dockerSteps(after);
  const old = new Map(before.resources.map((resource, i) => [identity(resource), i]));
  const creates: DockerStep[] = [];
  const updates: { step: DockerStep; command: DockerCommand }[] = [];
  const replaced = new Set<number>();
  after.forEach((resource, i) => {
    const step = next[i] as DockerStep;
    const at = old.get(identity(resource));
    if (at === undefined) {
      creates.push(step);
      return;
    }
    const was = before.resources[at];
    const deployed = before.deployed.steps[at];
    if (JSON.stringify(was?.inputs) === JSON.stringify(resource.inputs)) return;
    if (resource.type === 'docker:index/image:Image') {
      creates.push(step);
    } else if (
      (resource.type === 'docker:index/container:Container' &&
        was?.inputs.name !== resource.inputs.name) ||
      resource.type === 'docker:index/secret:Secret'
    ) {
      creates.push(step);
      replaced.add(at);
    } else if (step.service && deployed?.service) {
      const command = serviceUpdate(deployed.service, step.service);
      if (command) updates.push({ step, command });
    } else {
      throw new Error(`${resource.name}: a change in place the translation does not make`);
    }
  });
  const kept = new Set(after.map(identity));
  const gone = before.deployed.steps.filter(
    (_, i) => replaced.has(i) || !kept.has(identity(before.resources[i] ?? { type: '', name: '' })),
  );
  await createAll(creates, say);
  try {
    for (const { step, command } of updates) {
      say(`updating ${step.resource}`);
      await updated(step, command);
    }
  } catch (error) {
    // Swarm rolled the service back to what it used: what this update made goes again.
    await removeAll(creates);
    throw error;
  }
  for (const step of gone) say(`removing ${step.resource} (replaced)`);
  await removeAll(gone);
  return deployedOf(next);
}
