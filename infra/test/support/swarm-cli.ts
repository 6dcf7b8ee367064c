/**
 * The Swarm resources the Pulumi program declares, as docker CLI commands: the part of the
 * translation (docker-cli.ts) for `docker.Secret` and `docker.Service`. It understands exactly
 * these inputs and throws on any other:
 *
 * - Secret: name (Pulumi names it when unset: inputs.ts autoName), data (base64, as the
 *   provider takes it)
 * - Service: name, mode (replicated.replicas, or global), auth (serverAddress, username,
 *   password: logged in to, and sent with the service as `--with-registry-auth` does),
 *   convergeConfig (delay, timeout), endpointSpec (mode, ports: targetPort, publishedPort,
 *   publishMode, protocol), updateConfig and rollbackConfig (parallelism, delay, order,
 *   failureAction, monitor, maxFailureRatio), and taskSpec: containerSpec (image, commands (one
 *   program), args, env, secrets, healthcheck, user, readOnly, capDrops, mounts of type volume
 *   (readOnly) and tmpfs, stopSignal, stopGracePeriod, sysctl), placement (constraints,
 *   maxReplicas), resources (limits and reservation: memoryBytes), restartPolicy (condition,
 *   delay, maxAttempts, window), networksAdvanceds (by id), logDriver (name, options)
 *
 * As the provider does: a service with convergeConfig is created in the foreground, and the
 * command fails when Swarm could not converge (a rollback included); an update in place
 * (serviceUpdate) is waited for as docker-cli.ts says; removal takes the service away and waits
 * until its containers are gone, so its secrets, network and volumes can go next.
 */
import type { DockerCommand, DockerStep, Translation } from './docker-cli.ts';
import { autoName, list, record, str, type Inputs } from './inputs.ts';

export function secret(name: string, inputs: Inputs, { take }: Translation): DockerStep {
  const s = take(name, inputs, ['name', 'data']);
  const secretName = s.name === undefined ? autoName(name, inputs) : str(s.name);
  return {
    resource: name,
    dockerName: secretName,
    create: {
      args: ['secret', 'create', secretName, '-'],
      input: Buffer.from(str(s.data), 'base64').toString(),
    },
    remove: [{ args: ['secret', 'rm', secretName] }],
  };
}

/**
 * `--<prefix>-<flag> value` for each of `value`'s inputs that is set, `flags` naming the CLI's
 * flag for each input this translation understands (the provider's names are camelCase).
 */
function prefixedFlags(
  prefix: string,
  where: string,
  value: unknown,
  take: Translation['take'],
  flags: Record<string, string>,
): string[] {
  if (value === undefined) return [];
  const given = take(where, record(value), Object.keys(flags));
  return Object.entries(flags).flatMap(([input, flag]) =>
    given[input] === undefined ? [] : [`--${prefix}-${flag}`, str(given[input])],
  );
}

/** An updateConfig's or a rollbackConfig's inputs, and their `--update-*`/`--rollback-*` flags. */
const rolloutFlags = {
  parallelism: 'parallelism',
  delay: 'delay',
  order: 'order',
  failureAction: 'failure-action',
  monitor: 'monitor',
  maxFailureRatio: 'max-failure-ratio',
};

/** A task's flags, with apart what `docker service update` can change in place. */
interface TaskFlags {
  args: string[];
  /** `K=V` each. */
  env: string[];
  /** `--secret` options each. */
  secrets: string[];
  image: string;
  /** After the image: the arguments of its program. */
  command: string[];
}

/** A service as the CLI creates it: its task's parts an update changes, and all the rest. */
export interface ServiceSpec extends Omit<TaskFlags, 'args'> {
  name: string;
  /** Declared with convergeConfig: the provider waits for its tasks. */
  converges: boolean;
  rest: string[];
}

function containerFlags(where: string, spec: Inputs, t: Translation): TaskFlags {
  const c = t.take(where, spec, [
    'image',
    'commands',
    'args',
    'env',
    'secrets',
    'healthcheck',
    'user',
    'readOnly',
    'capDrops',
    'mounts',
    'stopSignal',
    'stopGracePeriod',
    'sysctl',
  ]);
  const args: string[] = [];
  const entrypoint = list(c.commands).map(str);
  if (entrypoint.length > 1) throw new Error(`${where}.commands: one program is supported`);
  for (const program of entrypoint) args.push('--entrypoint', program);
  for (const [key, value] of Object.entries(record(c.sysctl)))
    args.push('--sysctl', `${key}=${str(value)}`);
  const env = Object.entries(record(c.env)).map(([key, value]) => `${key}=${str(value)}`);
  const secrets = list(c.secrets).map((entry) => {
    const s = t.take(`${where}.secrets`, record(entry), [
      'secretId',
      'secretName',
      'fileName',
      'fileUid',
      'fileGid',
      'fileMode',
    ]);
    const options = [
      `source=${t.dockerNameOf(str(s.secretId))}`,
      `target=${str(s.fileName)}`,
      ...(s.fileUid === undefined ? [] : [`uid=${str(s.fileUid)}`]),
      ...(s.fileGid === undefined ? [] : [`gid=${str(s.fileGid)}`]),
      ...(s.fileMode === undefined ? [] : [`mode=0${Number(s.fileMode).toString(8)}`]),
    ];
    return options.join(',');
  });
  if (c.healthcheck !== undefined)
    args.push(...t.healthFlags(`${where}.healthcheck`, record(c.healthcheck)));
  if (c.user !== undefined) args.push('--user', str(c.user));
  if (c.readOnly === true) args.push('--read-only');
  for (const cap of list(c.capDrops)) args.push('--cap-drop', str(cap));
  for (const entry of list(c.mounts)) {
    const m = t.take(`${where}.mounts`, record(entry), [
      'type',
      'source',
      'target',
      'readOnly',
      'tmpfsOptions',
    ]);
    const options = [`type=${str(m.type)}`, `target=${str(m.target)}`];
    if (m.type === 'volume') options.push(`source=${str(m.source)}`);
    else if (m.type !== 'tmpfs')
      throw new Error(`${where}.mounts: only volume and tmpfs mounts are supported`);
    if (m.readOnly === true) options.push('readonly=true');
    if (m.tmpfsOptions !== undefined) {
      const o = t.take(`${where}.mounts.tmpfsOptions`, record(m.tmpfsOptions), [
        'sizeBytes',
        'mode',
      ]);
      if (o.sizeBytes !== undefined) options.push(`tmpfs-size=${str(o.sizeBytes)}`);
      if (o.mode !== undefined) options.push(`tmpfs-mode=${Number(o.mode).toString(8)}`);
    }
    args.push('--mount', options.join(','));
  }
  if (c.stopSignal !== undefined) args.push('--stop-signal', str(c.stopSignal));
  if (c.stopGracePeriod !== undefined) args.push('--stop-grace-period', str(c.stopGracePeriod));
  return { args, env, secrets, image: str(c.image), command: list(c.args).map(str) };
}

function taskFlags(where: string, taskSpec: Inputs, t: Translation): TaskFlags {
  const task = t.take(where, taskSpec, [
    'containerSpec',
    'placement',
    'resources',
    'restartPolicy',
    'networksAdvanceds',
    'logDriver',
  ]);
  const container = containerFlags(`${where}.containerSpec`, record(task.containerSpec), t);
  const { args } = container;
  if (task.placement !== undefined) {
    const p = t.take(`${where}.placement`, record(task.placement), ['constraints', 'maxReplicas']);
    for (const constraint of list(p.constraints)) args.push('--constraint', str(constraint));
    if (p.maxReplicas !== undefined) args.push('--replicas-max-per-node', str(p.maxReplicas));
  }
  if (task.resources !== undefined) {
    const r = t.take(`${where}.resources`, record(task.resources), ['limits', 'reservation']);
    const memory = (kind: string, value: unknown) => {
      if (value === undefined) return;
      const m = t.take(`${where}.resources.${kind}`, record(value), ['memoryBytes']);
      if (m.memoryBytes !== undefined) {
        args.push(kind === 'limits' ? '--limit-memory' : '--reserve-memory', str(m.memoryBytes));
      }
    };
    memory('limits', r.limits);
    memory('reservation', r.reservation);
  }
  args.push(
    ...prefixedFlags('restart', `${where}.restartPolicy`, task.restartPolicy, t.take, {
      condition: 'condition',
      delay: 'delay',
      maxAttempts: 'max-attempts',
      window: 'window',
    }),
  );
  for (const entry of list(task.networksAdvanceds)) {
    const n = t.take(`${where}.networksAdvanceds`, record(entry), ['id']);
    args.push('--network', t.dockerNameOf(str(n.id)));
  }
  if (task.logDriver !== undefined) {
    const l = t.take(`${where}.logDriver`, record(task.logDriver), ['name', 'options']);
    args.push('--log-driver', str(l.name));
    for (const [key, value] of Object.entries(record(l.options)))
      args.push('--log-opt', `${key}=${str(value)}`);
  }
  return container;
}

export function service(name: string, inputs: Inputs, t: Translation): DockerStep {
  const s = t.take(name, inputs, [
    'name',
    'mode',
    'taskSpec',
    'endpointSpec',
    'updateConfig',
    'rollbackConfig',
    'convergeConfig',
    'auth',
  ]);
  const serviceName = s.name === undefined ? name : str(s.name);
  const args = ['service', 'create', '--name', serviceName];
  const auth = t.take(`${name}.auth`, record(s.auth), ['serverAddress', 'username', 'password']);
  const login = t.loginOf(`${name}.auth`, auth.serverAddress, auth.username, auth.password);
  if (login !== undefined) args.push('--with-registry-auth');
  if (s.mode !== undefined) {
    const mode = t.take(`${name}.mode`, record(s.mode), ['replicated', 'global']);
    if (mode.global === true) args.push('--mode', 'global');
    const replicated = t.take(`${name}.mode.replicated`, record(mode.replicated), ['replicas']);
    if (replicated.replicas !== undefined) args.push('--replicas', str(replicated.replicas));
  }
  if (s.endpointSpec !== undefined) {
    const e = t.take(`${name}.endpointSpec`, record(s.endpointSpec), ['mode', 'ports']);
    if (e.mode !== undefined) args.push('--endpoint-mode', str(e.mode));
    for (const entry of list(e.ports)) {
      const p = t.take(`${name}.endpointSpec.ports`, record(entry), [
        'targetPort',
        'publishedPort',
        'publishMode',
        'protocol',
      ]);
      const options = [`target=${str(p.targetPort)}`];
      if (p.publishedPort !== undefined) options.push(`published=${str(p.publishedPort)}`);
      if (p.publishMode !== undefined) options.push(`mode=${str(p.publishMode)}`);
      if (p.protocol !== undefined) options.push(`protocol=${str(p.protocol)}`);
      args.push('--publish', options.join(','));
    }
  }
  args.push(
    ...prefixedFlags('update', `${name}.updateConfig`, s.updateConfig, t.take, rolloutFlags),
    ...prefixedFlags('rollback', `${name}.rollbackConfig`, s.rollbackConfig, t.take, rolloutFlags),
  );
  if (s.convergeConfig !== undefined) {
    t.take(`${name}.convergeConfig`, record(s.convergeConfig), ['delay', 'timeout']);
  }
  // With convergeConfig the provider waits for the tasks; the CLI does so in the foreground.
  args.push(`--detach=${s.convergeConfig === undefined}`, '--quiet');
  const task = taskFlags(`${name}.taskSpec`, record(s.taskSpec), t);
  const { args: taskArgs, ...changeable } = task;
  const spec: ServiceSpec = {
    name: serviceName,
    converges: s.convergeConfig !== undefined,
    ...changeable,
    rest: [...args, ...taskArgs],
  };
  const create: DockerCommand = {
    args: [
      ...spec.rest,
      ...spec.env.flatMap((entry) => ['--env', entry]),
      ...spec.secrets.flatMap((options) => ['--secret', options]),
      spec.image,
      ...spec.command,
    ],
  };
  return {
    resource: name,
    dockerName: serviceName,
    create,
    service: spec,
    remove: [{ args: ['service', 'rm', serviceName] }],
    waitGone: { service: serviceName },
    ...(login === undefined ? {} : { login }),
  };
}

/** A secret's name in its `--secret` options. */
const sourceOf = (options: string) => /(?:^|,)source=([^,]+)/.exec(options)?.[1] ?? options;

/**
 * What the provider does when a service's spec changes: an update in place, which Swarm rolls
 * out by the service's updateConfig. Here the image, the environment and the secrets may change
 * (a new release, a new setting, a replaced secret); anything else throws. Undefined when the
 * commands would be the same.
 */
export function serviceUpdate(was: ServiceSpec, now: ServiceSpec): DockerCommand | undefined {
  const fixed = (spec: ServiceSpec) => JSON.stringify([spec.rest, spec.command]);
  if (fixed(was) !== fixed(now)) {
    throw new Error(`${now.name}: a change beyond image, env and secrets, not made in place here`);
  }
  const keyOf = (entry: string) => entry.slice(0, entry.indexOf('='));
  const flags = [
    ...was.env
      .filter((entry) => !now.env.some((other) => keyOf(other) === keyOf(entry)))
      .flatMap((entry) => ['--env-rm', keyOf(entry)]),
    ...now.env.filter((entry) => !was.env.includes(entry)).flatMap((entry) => ['--env-add', entry]),
    ...was.secrets
      .filter((options) => !now.secrets.includes(options))
      .flatMap((options) => ['--secret-rm', sourceOf(options)]),
    ...now.secrets
      .filter((options) => !was.secrets.includes(options))
      .flatMap((options) => ['--secret-add', options]),
    ...(was.image === now.image ? [] : ['--image', now.image]),
  ];
  if (flags.length === 0) return undefined;
  const auth = now.rest.includes('--with-registry-auth') ? ['--with-registry-auth'] : [];
  // Detached: the provider's own wait (docker-cli.ts) is shorter than the CLI's.
  return { args: ['service', 'update', ...auth, '--detach=true', '--quiet', ...flags, now.name] };
}
