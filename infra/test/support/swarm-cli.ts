/**
 * The Swarm resources the Pulumi program declares, as docker CLI commands: the part of the
 * translation (docker-cli.ts) for `docker.Secret` and `docker.Service`. It understands exactly
 * these inputs and throws on any other:
 *
 * - Secret: name (Pulumi names it when unset: here the resource name), data (base64, as the
 *   provider takes it)
 * - Service: name, mode.replicated.replicas, auth (serverAddress, username, password: logged in
 *   to, and sent with the service as `--with-registry-auth` does), convergeConfig (delay, timeout), endpointSpec (mode,
 *   ports: targetPort, publishedPort, publishMode, protocol), updateConfig and rollbackConfig
 *   (parallelism, delay, order, failureAction, monitor, maxFailureRatio), and taskSpec:
 *   containerSpec (image, env, secrets, healthcheck, user, readOnly, capDrops, mounts of type
 *   volume and tmpfs, stopSignal, stopGracePeriod, sysctl), placement (constraints, maxReplicas), resources (limits and
 *   reservation: memoryBytes), restartPolicy (condition, delay, maxAttempts, window),
 *   networksAdvanceds (by id), logDriver (name, options)
 *
 * As the provider does: a service with convergeConfig is created and updated in the foreground,
 * and the command fails when Swarm could not converge (a rollback included); removal takes the
 * service away and waits until its containers are gone, so its secrets, network and volumes can
 * go next.
 */
import type { DockerCommand, DockerStep, Translation } from './docker-cli.ts';
import { list, record, str, type Inputs } from './inputs.ts';

export function secret(name: string, inputs: Inputs, { take }: Translation): DockerStep {
  const s = take(name, inputs, ['name', 'data']);
  const secretName = s.name === undefined ? name : str(s.name);
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

function containerFlags(
  where: string,
  spec: Inputs,
  t: Translation,
): { args: string[]; image: string } {
  const c = t.take(where, spec, [
    'image',
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
  for (const [key, value] of Object.entries(record(c.sysctl)))
    args.push('--sysctl', `${key}=${str(value)}`);
  for (const [key, value] of Object.entries(record(c.env)))
    args.push('--env', `${key}=${str(value)}`);
  for (const entry of list(c.secrets)) {
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
    args.push('--secret', options.join(','));
  }
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
      'tmpfsOptions',
    ]);
    const options = [`type=${str(m.type)}`, `target=${str(m.target)}`];
    if (m.type === 'volume') options.push(`source=${str(m.source)}`);
    else if (m.type !== 'tmpfs')
      throw new Error(`${where}.mounts: only volume and tmpfs mounts are supported`);
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
  return { args, image: str(c.image) };
}

function taskFlags(
  where: string,
  taskSpec: Inputs,
  t: Translation,
): { args: string[]; image: string } {
  const task = t.take(where, taskSpec, [
    'containerSpec',
    'placement',
    'resources',
    'restartPolicy',
    'networksAdvanceds',
    'logDriver',
  ]);
  const { args, image } = containerFlags(`${where}.containerSpec`, record(task.containerSpec), t);
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
  return { args, image };
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
    const mode = t.take(`${name}.mode`, record(s.mode), ['replicated']);
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
  const create: DockerCommand = { args: [...args, ...task.args, task.image] };
  return {
    resource: name,
    dockerName: serviceName,
    create,
    remove: [{ args: ['service', 'rm', serviceName] }],
    waitGone: { service: serviceName },
    ...(login === undefined ? {} : { login }),
  };
}
